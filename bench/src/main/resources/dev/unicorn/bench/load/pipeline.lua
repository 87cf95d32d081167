-- wrk script: HTTP/1.1 pipelining. Each write carries DEPTH requests for the URL's path
-- (DEPTH is the first argument after "--", default 16); wrk counts every response.
-- usage: wrk -t1 -c50 -d10s -s pipeline.lua http://127.0.0.1:PORT/plaintext -- 16

local batch

init = function(args)
  local depth = tonumber(args[1]) or 16
  local one = wrk.format(nil, nil)
  local requests = {}
  for i = 1, depth do
    requests[i] = one
  end
  batch = table.concat(requests)
end

request = function()
  return batch
end
