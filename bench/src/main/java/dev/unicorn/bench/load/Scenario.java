package dev.unicorn.bench.load;

/** The load points measured for every server, in the order they run. */
enum Scenario {
    PLAINTEXT("plaintext", "GET /plaintext, keep-alive, 50 connections", Tool.WRK),
    PIPELINED("pipelined", "GET /plaintext, 50 connections, pipelining depth 16", Tool.WRK),
    ECHO("echo 1 KiB", "POST /echo with a 1 KiB body, 50 connections", Tool.WRK),
    SLEEP("sleep @256", "GET /sleep (10 ms on the request thread), 256 connections", Tool.WRK),
    H2C_M10("h2c m10", "h2c GET /plaintext, 10 connections x 10 streams", Tool.H2LOAD),
    H2C_M100("h2c m100", "h2c GET /plaintext, 10 connections x 100 streams", Tool.H2LOAD);

    enum Tool { WRK, H2LOAD }

    final String label;
    final String description;
    final Tool tool;

    Scenario(String label, String description, Tool tool) {
        this.label = label;
        this.description = description;
        this.tool = tool;
    }

    /** Streams per h2c connection. */
    int streams() {
        return this == H2C_M100 ? 100 : 10;
    }
}
