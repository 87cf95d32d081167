package dev.unicorn.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code docs/benchmarks.svg}: per throughput point, one horizontal bar per server showing its
 * median throughput divided by the best peer's (the best server other than Unicorn's entries,
 * one per worker model), so the best peer sits at 1.0 and a Unicorn model is ahead where its
 * bar passes the dashed line.
 */
final class RatioChart {
    /** Unicorn's models in shades of magenta, the peers in other hues. */
    private static final String[] UNICORN_COLORS = {"#c2185b", "#e7298a", "#9c27b0", "#f48fb1"};
    private static final String[] PEER_COLORS = {"#1f77b4", "#6baed6", "#2ca02c", "#ff7f0e", "#8c564b", "#7f7f7f"};
    private static final int LEGEND_ROW = 18;
    private static final int LEFT = 120;
    private static final int PLOT = 520;
    private static final int RIGHT = 130;
    private static final int BAR = 14;
    private static final int BAR_GAP = 3;
    private static final int GROUP_GAP = 18;
    private static final int TOP = 64;

    private final List<ServerResults> results;
    private final String[] colors;
    private final int legendRows;

    RatioChart(List<ServerResults> results) {
        this.results = results;
        this.colors = new String[results.size()];
        int u = 0;
        int p = 0;
        int rows = 1;
        int lx = 10;
        for (int i = 0; i < results.size(); i++) {
            boolean unicorn = LoadRun.isUnicorn(results.get(i).name);
            colors[i] = unicorn ? UNICORN_COLORS[u++ % UNICORN_COLORS.length] : PEER_COLORS[p++ % PEER_COLORS.length];
            int w = legendWidth(results.get(i).name);
            if (lx + w > LEFT + PLOT + RIGHT) {
                rows++;
                lx = 10;
            }
            lx += w;
        }
        this.legendRows = rows;
    }

    private static int legendWidth(String name) {
        return 16 + name.length() * 7 + 18;
    }

    String svg() {
        List<Scenario> points = new ArrayList<>();
        double maxRatio = 1.0;
        for (Scenario s : Scenario.values()) {
            Double best = bestPeer(s);
            if (best == null) {
                continue;
            }
            points.add(s);
            for (ServerResults r : results) {
                Spread x = r.throughput(s);
                if (x != null) {
                    maxRatio = Math.max(maxRatio, x.median() / best);
                }
            }
        }
        double scale = Math.ceil(maxRatio * 1.05 / 0.25) * 0.25;
        int groupHeight = results.size() * (BAR + BAR_GAP) - BAR_GAP;
        int top = TOP + (legendRows - 1) * LEGEND_ROW;
        int height = top + Math.max(1, points.size()) * (groupHeight + GROUP_GAP) + 40;
        int width = LEFT + PLOT + RIGHT;

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"15\" font-weight=\"bold\">"
                + "Throughput relative to the best peer (1.0 = best of the other servers)</text>%n", 10));

        // legend
        int lx = 10;
        int ly = 32;
        for (int i = 0; i < results.size(); i++) {
            String name = results.get(i).name;
            if (lx + legendWidth(name) > width) {
                lx = 10;
                ly += LEGEND_ROW;
            }
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", lx, ly, colors[i], lx + 16, ly + 10, escape(name)));
            lx += legendWidth(name);
        }

        int plotBottom = height - 30;
        // grid and axis
        for (double t = 0; t <= scale + 1e-9; t += 0.25) {
            int x = x(t, scale);
            boolean one = Math.abs(t - 1.0) < 1e-9;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"%s/>%n",
                    x, top - 6, x, plotBottom, one ? "#333" : "#ddd", one ? " stroke-dasharray=\"5,3\"" : ""));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%.2f</text>%n",
                    x, plotBottom + 15, t));
        }

        int y = top;
        for (Scenario s : points) {
            double best = bestPeer(s);
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-weight=\"bold\">%s</text>%n",
                    LEFT - 8, y + groupHeight / 2 + 4, escape(s.label)));
            for (int i = 0; i < results.size(); i++) {
                ServerResults r = results.get(i);
                Spread x = r.throughput(s);
                int by = y + i * (BAR + BAR_GAP);
                if (x == null) {
                    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#999\">%s: %s</text>%n",
                            LEFT + 4, by + BAR - 3, escape(r.name), Report.missing(r, s).replace("-", "not measured")));
                    continue;
                }
                double ratio = x.median() / best;
                int w = Math.max(1, x(ratio, scale) - LEFT);
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                        + "<title>%s %s: %.0f req/s</title></rect>%n", LEFT, by, w, BAR, colors[i], escape(r.name),
                        escape(s.label), x.median()));
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\"%s>%.2f (%s)</text>%n", LEFT + w + 4,
                        by + BAR - 3, LoadRun.isUnicorn(r.name) ? " font-weight=\"bold\"" : "", ratio,
                        escape(Report.rate(x.median()) + " req/s")));
            }
            y += groupHeight + GROUP_GAP;
        }
        if (points.isEmpty()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">no throughput point has a peer result</text>%n",
                    LEFT, top + 20));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** The best peer's median throughput for {@code s}, or null when no peer has one. */
    private Double bestPeer(Scenario s) {
        Double best = null;
        for (ServerResults r : results) {
            Spread x = r.throughput(s);
            if (!LoadRun.isUnicorn(r.name) && x != null && x.median() > 0 && (best == null || x.median() > best)) {
                best = x.median();
            }
        }
        return best;
    }

    private static int x(double ratio, double scale) {
        return LEFT + (int) Math.round(ratio / scale * PLOT);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
