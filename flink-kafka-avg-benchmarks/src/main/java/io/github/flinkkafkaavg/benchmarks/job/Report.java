package io.github.flinkkafkaavg.benchmarks.job;

import io.github.flinkkafkaavg.benchmarks.job.JobBenchmark.Measurement;
import io.github.flinkkafkaavg.benchmarks.job.JobBenchmark.Settings;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/** The benchmark's figures as a Markdown table with ratios, as JSON, and as a PNG chart of records/s against W/S. */
final class Report {

    private Report() {}

    static String markdown(List<Measurement> all, Settings s) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Records/s (median of runs); %d records per event-second, jitter %d ms,"
                + " slide %s, last-n %d; JVM %s, %d cores.%n%n", s.perSecond(), s.jitterMillis(), s.slide(), s.lastN(),
                Runtime.version(), Runtime.getRuntime().availableProcessors()));
        if (!s.flinkConf().isEmpty()) {
            md.append("Flink settings for every variant: ").append(s.flinkConf()).append(".\n\n");
        }
        md.append("| keys | p | backend | variant | W/S | records | span (windows) | timed | records/s | L/A0K | L/A0KE | L/A1 "
                + "| L/A2 | state/key |\n");
        md.append("| ---: | ---: | --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Measurement m : all) {
            String ratios = "| | | | ";
            if (m.variant().equals("L")) {
                ratios = "| " + ratio(m, find(all, m, "A0K", 0)) + " | " + ratio(m, find(all, m, "A0KE", 0))
                        + " | " + ratio(m, find(all, m, "A1", m.ratio()))
                        + " | " + ratio(m, find(all, m, "A2", m.ratio())) + " ";
            } else if (m.variant().equals("LC")) {
                ratios = "| " + ratio(m, find(all, m, "A0K", 0)) + " | | vs C1 " + ratio(m, find(all, m, "C1", 0))
                        + " | vs C2 " + ratio(m, find(all, m, "C2", 0)) + " ";
            }
            md.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %,d | %s | %s | %,.0f %s| %s |%n", m.keys(),
                    m.parallelism(), m.backend(), m.variant(), m.ratio() == 0 ? "–" : String.valueOf(m.ratio()),
                    m.records(), m.spanWindows() == 0 ? "–" : String.format(Locale.ROOT, "%.1f", m.spanWindows()),
                    m.timed().label, m.median(), ratios,
                    m.stateBytesPerKey() < 0 ? "–" : String.format(Locale.ROOT, "%,d B", m.stateBytesPerKey())));
        }
        return md.toString();
    }

    static String json(List<Measurement> all, Settings s) {
        List<String> rows = new ArrayList<>();
        for (Measurement m : all) {
            rows.add(String.format(Locale.ROOT, "{\"variant\":\"%s\",\"ratio\":%d,\"keys\":%d,\"parallelism\":%d,"
                    + "\"backend\":\"%s\",\"records\":%d,\"spanWindows\":%.2f,\"timed\":\"%s\","
                    + "\"medianRecordsPerSecond\":%.0f,\"runs\":%s,\"stateBytesPerKey\":%d}", m.variant(), m.ratio(),
                    m.keys(), m.parallelism(), m.backend(), m.records(), m.spanWindows(), m.timed().label, m.median(),
                    java.util.Arrays.toString(m.rates()), m.stateBytesPerKey()));
        }
        return String.format(Locale.ROOT, "{\"perSecond\":%d,\"jitterMillis\":%d,\"slideMillis\":%d,\"lastN\":%d,"
                + "\"jvm\":\"%s\",\"cores\":%d,\"flinkConf\":\"%s\",\"measurements\":[%n  %s%n]}%n", s.perSecond(),
                s.jitterMillis(), s.slide().toMillis(), s.lastN(), Runtime.version(),
                Runtime.getRuntime().availableProcessors(), s.flinkConf(),
                String.join(",\n  ", rows));
    }

    /** Records/s against W/S, both logarithmic, for A0, A0K (flat lines), A1, A2 and L of the first configuration. */
    static void chart(List<Measurement> all, Path png) throws IOException {
        Measurement first = all.get(0);
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        TreeSet<Integer> ratios = new TreeSet<>();
        for (Measurement m : all) {
            if (m.keys() == first.keys() && m.parallelism() == first.parallelism()
                    && m.backend().equals(first.backend()) && m.ratio() > 0) {
                ratios.add(m.ratio());
            }
        }
        if (ratios.isEmpty()) {
            return;
        }
        for (Measurement m : all) {
            if (m.keys() != first.keys() || m.parallelism() != first.parallelism()
                    || !m.backend().equals(first.backend()) || m.variant().startsWith("C") || m.variant().equals("LC")) {
                continue;
            }
            List<double[]> points = series.computeIfAbsent(m.variant(), k -> new ArrayList<>());
            if (m.ratio() == 0) {
                points.add(new double[] {ratios.first(), m.median()});
                points.add(new double[] {ratios.last(), m.median()});
            } else {
                points.add(new double[] {m.ratio(), m.median()});
            }
        }
        int w = 900;
        int h = 560;
        int left = 90;
        int right = 160;
        int top = 50;
        int bottom = 60;
        double minX = Math.log10(ratios.first());
        double maxX = Math.log10(ratios.last());
        if (maxX == minX) {
            maxX = minX + 1;
        }
        double minY = Math.floor(Math.log10(series.values().stream().flatMap(List::stream).mapToDouble(p -> p[1]).min()
                .orElse(1)));
        double maxY = Math.ceil(Math.log10(series.values().stream().flatMap(List::stream).mapToDouble(p -> p[1]).max()
                .orElse(10)));
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(String.format(Locale.ROOT, "records/s vs window/slide — %d keys, p=%d, %s state", first.keys(),
                first.parallelism(), first.backend()), left, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(left, top, w - left - right, h - top - bottom);
        for (double y = minY; y <= maxY; y++) {
            int py = py(y, minY, maxY, h, top, bottom);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(left, py, w - right, py);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%,.0f", Math.pow(10, y)), 8, py + 4);
        }
        for (int r : ratios) {
            int px = px(Math.log10(r), minX, maxX, w, left, right);
            g.drawString(String.valueOf(r), px - 10, h - bottom + 18);
        }
        g.drawString("W/S (window size / slide)", (w - right + left) / 2 - 70, h - 15);
        Color[] colors = {new Color(120, 120, 120), new Color(40, 40, 40), new Color(214, 39, 40),
            new Color(255, 127, 14), new Color(31, 119, 180)};
        int i = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            Color c = colors[i % colors.length];
            g.setColor(c);
            boolean flat = e.getKey().startsWith("A0");
            g.setStroke(flat ? new BasicStroke(2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {8, 6}, 0)
                    : new BasicStroke(3));
            Optional<int[]> previous = Optional.empty();
            for (double[] p : e.getValue()) {
                int[] pt = {px(Math.log10(p[0]), minX, maxX, w, left, right), py(Math.log10(p[1]), minY, maxY, h, top, bottom)};
                previous.ifPresent(q -> g.drawLine(q[0], q[1], pt[0], pt[1]));
                g.fillOval(pt[0] - 4, pt[1] - 4, 8, 8);
                previous = Optional.of(pt);
            }
            g.drawString(e.getKey() + (flat ? " (no window)" : ""), w - right + 12, top + 20 + 20 * i);
            i++;
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static int px(double x, double minX, double maxX, int w, int left, int right) {
        return left + (int) ((x - minX) / (maxX - minX) * (w - left - right));
    }

    private static int py(double y, double minY, double maxY, int h, int top, int bottom) {
        return h - bottom - (int) ((y - minY) / (maxY - minY) * (h - top - bottom));
    }

    private static Optional<Measurement> find(List<Measurement> all, Measurement like, String variant, int ratio) {
        return all.stream().filter(m -> m.variant().equals(variant) && m.ratio() == ratio && m.keys() == like.keys()
                && m.parallelism() == like.parallelism() && m.backend().equals(like.backend())).findFirst();
    }

    private static String ratio(Measurement m, Optional<Measurement> baseline) {
        return baseline.map(b -> String.format(Locale.ROOT, "%.2f×", m.median() / b.median())).orElse("–");
    }
}
