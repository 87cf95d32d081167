package dev.unicorn.examples.dirty;

/**
 * Image resampling with a Lanczos-3 filter, separable (rows, then columns), on packed RGB
 * pixels. Plain Java and CPU-bound: the kind of work that belongs in a dirty worker. The
 * kernel is tabulated once ({@link #Lanczos()}, done in the app's {@code init}).
 */
final class Lanczos {
    private static final int A = 3;
    private static final int TABLE_STEPS = 1024; // samples per unit of distance
    private final float[] table = new float[A * TABLE_STEPS + 1];

    Lanczos() {
        table[0] = 1f;
        for (int i = 1; i < table.length; i++) {
            double x = (double) i / TABLE_STEPS;
            double px = Math.PI * x;
            table[i] = (float) (A * Math.sin(px) * Math.sin(px / A) / (px * px));
        }
    }

    private float kernel(double x) {
        x = Math.abs(x);
        return x >= A ? 0f : table[(int) (x * TABLE_STEPS + 0.5)];
    }

    /** {@code src} ({@code sw} × {@code sh}, 0xRRGGBB) resampled to {@code dw} × {@code dh}. */
    int[] resize(int[] src, int sw, int sh, int dw, int dh) {
        Job job = new Job(src, sw, sh, dw, dh);
        while (!job.isDone()) {
            job.step(dh);
        }
        return job.result();
    }

    /**
     * One resize done in steps, so that a caller can report progress between them: the
     * horizontal pass runs first, whole; the vertical pass runs a few output rows per step.
     */
    final class Job {
        private final int dw;
        private final int dh;
        private final float[][] tmp;
        private final Weights wy;
        private final int[] out;
        private int rowsDone;

        Job(int[] src, int sw, int sh, int dw, int dh) {
            this.dw = dw;
            this.dh = dh;
            this.tmp = new float[3][dw * sh];
            Weights wx = new Weights(sw, dw);
            for (int y = 0; y < sh; y++) {
                int row = y * sw;
                for (int x = 0; x < dw; x++) {
                    float r = 0;
                    float g = 0;
                    float b = 0;
                    for (int k = 0; k < wx.count[x]; k++) {
                        int p = src[row + wx.first[x] + k];
                        float w = wx.weight[x][k];
                        r += w * ((p >> 16) & 0xFF);
                        g += w * ((p >> 8) & 0xFF);
                        b += w * (p & 0xFF);
                    }
                    tmp[0][y * dw + x] = r;
                    tmp[1][y * dw + x] = g;
                    tmp[2][y * dw + x] = b;
                }
            }
            this.wy = new Weights(sh, dh);
            this.out = new int[dw * dh];
        }

        /** Computes up to {@code rows} more output rows. */
        void step(int rows) {
            int end = Math.min(dh, rowsDone + rows);
            for (int y = rowsDone; y < end; y++) {
                for (int x = 0; x < dw; x++) {
                    float r = 0;
                    float g = 0;
                    float b = 0;
                    for (int k = 0; k < wy.count[y]; k++) {
                        int i = (wy.first[y] + k) * dw + x;
                        float w = wy.weight[y][k];
                        r += w * tmp[0][i];
                        g += w * tmp[1][i];
                        b += w * tmp[2][i];
                    }
                    out[y * dw + x] = clamp(r) << 16 | clamp(g) << 8 | clamp(b);
                }
            }
            rowsDone = end;
        }

        /** Output rows computed so far, out of {@link #rows()}. */
        int rowsDone() {
            return rowsDone;
        }

        int rows() {
            return dh;
        }

        boolean isDone() {
            return rowsDone == dh;
        }

        int[] result() {
            return out;
        }
    }

    private static int clamp(float v) {
        int i = Math.round(v);
        return i < 0 ? 0 : Math.min(i, 255);
    }

    /** For each destination index: the first source index, how many, and their normalised weights. */
    private final class Weights {
        final int[] first;
        final int[] count;
        final float[][] weight;

        Weights(int srcLength, int dstLength) {
            first = new int[dstLength];
            count = new int[dstLength];
            weight = new float[dstLength][];
            double scale = (double) srcLength / dstLength;
            double support = A * Math.max(1.0, scale); // widen the filter when shrinking
            for (int i = 0; i < dstLength; i++) {
                double center = (i + 0.5) * scale - 0.5;
                int lo = Math.max(0, (int) Math.floor(center - support + 1));
                int hi = Math.min(srcLength - 1, (int) Math.ceil(center + support - 1));
                float[] w = new float[hi - lo + 1];
                float sum = 0;
                for (int j = lo; j <= hi; j++) {
                    w[j - lo] = kernel((j - center) / Math.max(1.0, scale));
                    sum += w[j - lo];
                }
                for (int k = 0; k < w.length; k++) {
                    w[k] /= sum;
                }
                first[i] = lo;
                count[i] = w.length;
                weight[i] = w;
            }
        }
    }
}
