package org.myelin.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class CsvTest {
    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        Path f = dir.resolve("data.csv");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private IOException fails(Csv reader, String content) throws IOException {
        Path f = file(content);
        return assertThrows(IOException.class, () -> reader.read(f));
    }

    @Test
    void classificationByColumnNameGivesFeaturesAndOneHotLabels() throws IOException {
        Path f = file("x1,label,x2\n0.5,1,1.25\n-2,0,3e-1\n7,2,0\n");
        Dataset d = Csv.reader().labelColumn("label").classification(3).read(f);
        assertEquals(Nd4j.createFromArray(new float[][] {{0.5f, 1.25f}, {-2f, 0.3f}, {7f, 0f}}), d.features());
        assertArrayEquals(new int[] {1, 0, 2}, d.labels());
        assertEquals(3, d.numClasses());
    }

    @Test
    void labelColumnByIndexAndInferredClassCount() throws IOException {
        Path f = file("label,a,b\n3,1,2\n0,3,4\n");
        Dataset d = Csv.reader().labelColumn(0).classification(0).read(f);
        assertEquals(4, d.numClasses());
        assertArrayEquals(new int[] {3, 0}, d.labels());
        assertEquals(Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}}), d.features());
    }

    @Test
    void defaultIsRegressionOnTheLastColumnWithQuotesBlankLinesAndBom() throws IOException {
        Path f = file("\uFEFF\"x\", \"y\"\n\n 1.5 , \"-0.3\" \n2,0.5\n\n");
        Dataset d = Csv.reader().dataType(DataType.DOUBLE).read(f);
        assertEquals(Nd4j.createFromArray(new double[][] {{1.5}, {2}}), d.features());
        assertEquals(Nd4j.createFromArray(new double[][] {{-0.3}, {0.5}}), d.targets());
        assertEquals(false, d.isClassification());
    }

    @Test
    void otherDelimiter() throws IOException {
        Dataset d = Csv.reader().delimiter(';').read(file("a;b;t\n1;2;3\n"));
        assertEquals(Nd4j.createFromArray(new float[][] {{1, 2}}), d.features());
    }

    @Test
    void raggedRowNamesLineAndFieldCounts() throws IOException {
        IOException e = fails(Csv.reader(), "a,b,c\n1,2,3\n4,5\n");
        assertEquals(dir.resolve("data.csv") + " line 3 has 2 fields, expected 3 as in the header", e.getMessage());
        IOException e2 = fails(Csv.reader(), "a,b,c\n1,2,3,4\n");
        assertEquals(dir.resolve("data.csv") + " line 2 has 4 fields, expected 3 as in the header", e2.getMessage());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "abc| \"abc\" is not a number",
                "NaN| \"NaN\" is not a finite number",
                "-Infinity| \"-Infinity\" is not a finite number",
                "''| empty value, expected a number"
            })
    void nonNumericValueNamesLineAndColumn(String bad, String reason) throws IOException {
        IOException e = fails(Csv.reader(), "x1,x2,y\n1,2,3\n4,5,6\n7," + bad + ",9\n");
        assertEquals(dir.resolve("data.csv") + " line 4, column 2 \"x2\": " + reason, e.getMessage());
    }

    @Test
    void emptyFileAndHeaderOnlyAreRefused() throws IOException {
        assertEquals(
                dir.resolve("data.csv") + ": file is empty, expected a header row and data rows",
                fails(Csv.reader(), "").getMessage());
        assertEquals(
                dir.resolve("data.csv") + ": file is empty, expected a header row and data rows",
                fails(Csv.reader(), "\n  \n").getMessage());
        assertEquals(
                dir.resolve("data.csv") + ": no data rows after the header",
                fails(Csv.reader(), "a,b\n").getMessage());
    }

    @Test
    void badLabelsNameLineAndColumn() throws IOException {
        IOException e = fails(Csv.reader().labelColumn("y").classification(3), "x,y\n1,0\n2,3\n");
        assertEquals(
                dir.resolve("data.csv") + " line 3, column 2 \"y\": label \"3\", expected a whole number in 0..2",
                e.getMessage());
        IOException e2 = fails(Csv.reader().classification(0), "x,y\n1,0.5\n");
        assertEquals(
                dir.resolve("data.csv") + " line 2, column 2 \"y\": label \"0.5\", expected a whole number in"
                        + " 0..N",
                e2.getMessage());
    }

    @Test
    void missingLabelColumnListsTheHeader() throws IOException {
        IOException e = fails(Csv.reader().labelColumn("target"), "a,b\n1,2\n");
        assertEquals(
                dir.resolve("data.csv") + ": no column named \"target\" for the label; the header has [a, b]",
                e.getMessage());
        IOException e2 = fails(Csv.reader().labelColumn(5), "a,b\n1,2\n");
        assertEquals(
                dir.resolve("data.csv") + ": label column index 5 is out of range, the header has 2 columns",
                e2.getMessage());
    }

    @Test
    void aLabelNameTheHeaderHoldsTwiceIsRefused() throws IOException {
        IOException e = fails(Csv.reader().labelColumn("label").classification(2), "a,label,label\n1,0,1\n");
        assertEquals(
                dir.resolve("data.csv") + ": the header names columns 2 and 3 \"label\", expected one label column of"
                        + " that name",
                e.getMessage());
    }

    @Test
    void aLineOfNulCharactersIsRefusedNotSkippedAsBlank() throws IOException {
        // A file cut short by a crash can end in a preallocated run of zero bytes.
        IOException e = fails(Csv.reader().classification(2), "a,label\n1,0\n\0\0\0\0\n2,1\n");
        assertTrue(
                e.getMessage().startsWith(dir.resolve("data.csv") + " line 3 holds a NUL character (byte 0)"),
                e.getMessage());
    }

    @Test
    void singleColumnHeaderIsRefused() throws IOException {
        IOException e = fails(Csv.reader(), "y\n1\n");
        assertEquals(
                dir.resolve("data.csv") + ": header has 1 column, expected a label column and at least one"
                        + " feature column",
                e.getMessage());
    }

    @Test
    void quotedFieldsMayHoldTheDelimiterEscapedQuotesAndLineBreaks() throws IOException {
        // Feature values cannot hold text, so the quoted text goes into the header, where it is the column's name.
        Path f = file("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",y\n1,2,3,0\n");
        IOException e = fails(Csv.reader().labelColumn("nope"), Files.readString(f));
        assertEquals(
                dir.resolve("data.csv") + ": no column named \"nope\" for the label; the header has"
                        + " [a,b, say \"hi\", two\nlines, y]",
                e.getMessage());
        Dataset d = Csv.reader().labelColumn("two\nlines").read(file(Files.readString(f)));
        assertEquals(Nd4j.createFromArray(new float[][] {{1, 2, 0}}), d.features());
        assertEquals(Nd4j.createFromArray(new float[][] {{3}}), d.targets());
    }

    @Test
    void quotedNumbersWithTheDelimiterInsideAreOneField() throws IOException {
        Dataset d = Csv.reader().delimiter(';').read(file("a;b;t\n\"1\";\" 2.5 \";\"3\"\n"));
        assertEquals(Nd4j.createFromArray(new float[][] {{1, 2.5f}}), d.features());
        IOException e = fails(Csv.reader(), "a,b,t\n\"1,5\",2,3\n");
        assertEquals(dir.resolve("data.csv") + " line 2, column 1 \"a\": \"1,5\" is not a number", e.getMessage());
    }

    @Test
    void crlfLineEndsReadLikeLf() throws IOException {
        Dataset d = Csv.reader().read(file("a,b,t\r\n1,2,3\r\n\r\n4,5,6\r\n"));
        assertEquals(Nd4j.createFromArray(new float[][] {{1, 2}, {4, 5}}), d.features());
        assertEquals(Nd4j.createFromArray(new float[][] {{3}, {6}}), d.targets());
    }

    @Test
    void aRecordIsNamedByTheLineItStartsOn() throws IOException {
        // Lines 1-2: the header (a column name with a line break); 3: a row; 4: blank; 5-6: one record; 7-8: the
        // record with the bad value, which starts on line 7.
        String content = "a,\"b\nb\",t\n1,2,3\n\n\"4\",\"5\n\",6\n7,\"x\n\",9\n";
        IOException e = fails(Csv.reader(), content);
        assertEquals(dir.resolve("data.csv") + " line 7, column 2 \"b\nb\": \"x\" is not a number", e.getMessage());
        IOException ragged = fails(Csv.reader(), "a,b,t\n\"1\n\n\",2,3\n4,5\n");
        assertEquals(
                dir.resolve("data.csv") + " line 5 has 2 fields, expected 3 as in the header", ragged.getMessage());
    }

    @Test
    void unterminatedQuoteNamesFileAndLineInOneLine() throws IOException {
        IOException e = fails(Csv.reader(), "a,b,t\n1,2,3\n4,\"5,6\n7,8,9\n");
        assertEquals(
                dir.resolve("data.csv") + " line 3: a quoted field is not closed: no closing '\"' before the end"
                        + " of the file",
                e.getMessage());
    }

    @Test
    void textAfterAClosingQuoteIsRefusedWithItsLine() throws IOException {
        IOException e = fails(Csv.reader(), "a,b,t\n1,2,3\n4,\"5\"x,6\n");
        assertEquals(
                dir.resolve("data.csv") + " line 3: text after the closing '\"' of a quoted field, expected the"
                        + " delimiter or the end of the line (write a quote inside a quoted field as \"\")",
                e.getMessage());
    }

    @Test
    void notUtf8NamesTheFirstBadByteAndItsLine() throws IOException {
        Path f = dir.resolve("latin1.csv");
        Files.write(f, "a,b,t\n1,2,3\n\"caf\u00e9\",2,3\n".getBytes(StandardCharsets.ISO_8859_1));
        IOException e = assertThrows(IOException.class, () -> Csv.reader().read(f));
        assertEquals(
                f + ": not UTF-8 text: byte 0xe9 at offset 16 (line 3) does not start a valid UTF-8 sequence;"
                        + " save the file as UTF-8",
                e.getMessage());
    }

    @Test
    void notUtf8FarIntoALargeFileIsFoundAcrossReadBuffers() throws IOException {
        Path f = dir.resolve("late.csv");
        StringBuilder s = new StringBuilder("a,b,t\n");
        for (int i = 0; i < 20_000; i++) {
            s.append("1,2,3\n"); // 6 bytes a line: line i + 2 ends at byte 6 * (i + 2)
        }
        byte[] good = s.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] bad = java.util.Arrays.copyOf(good, good.length + 2);
        bad[good.length] = (byte) 0xff;
        bad[good.length + 1] = '\n';
        Files.write(f, bad);
        IOException e = assertThrows(IOException.class, () -> Csv.reader().read(f));
        assertEquals(
                f + ": not UTF-8 text: byte 0xff at offset " + good.length + " (line 20002) does not start a"
                        + " valid UTF-8 sequence; save the file as UTF-8",
                e.getMessage());
    }
}
