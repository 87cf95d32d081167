-- wrk script: POST a 1 KiB body (Content-Length framing) to the URL's path and expect it back.
-- usage: wrk -t1 -c50 -d10s -s echo.lua http://127.0.0.1:PORT/echo

wrk.method = "POST"
wrk.body = string.rep("x", 1024)
wrk.headers["Content-Type"] = "application/octet-stream"
