package org.myelin.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean ...?" for misspelt keys and names: the closest candidate by edit distance (insertions, deletions,
 * substitutions and swaps of neighbours, case ignored), offered only when it is close enough to be a typo - at
 * most one edit for names of up to 4 characters, two up to 8, three beyond.
 */
public final class Suggestions {
    private Suggestions() {}

    /** The candidate closest to {@code typo}, if one is plausibly what was meant. */
    public static Optional<String> closest(String typo, Collection<String> candidates) {
        String t = typo.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(t, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        int allowed = t.length() <= 4 ? 1 : t.length() <= 8 ? 2 : 3;
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** {@code "; did you mean X?"} for the closest candidate, else {@code "; expected one of [a, b, ...]"}. */
    public static String hint(String typo, Collection<String> candidates) {
        return closest(typo, candidates)
                .map(s -> "; did you mean " + s + "?")
                .orElse("; expected one of " + candidates);
    }

    /** Optimal-string-alignment distance (Damerau-Levenshtein without repeated edits of one substring). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
