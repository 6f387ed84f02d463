package org.myelin.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    @CsvSource(delimiter = '|', value = {
        "abc| \"abc\" is not a number",
        "NaN| \"NaN\" is not a finite number",
        "-Infinity| \"-Infinity\" is not a finite number",
        "''| empty value, expected a number"})
    void nonNumericValueNamesLineAndColumn(String bad, String reason) throws IOException {
        IOException e = fails(Csv.reader(), "x1,x2,y\n1,2,3\n4,5,6\n7," + bad + ",9\n");
        assertEquals(dir.resolve("data.csv") + " line 4, column 2 \"x2\": " + reason, e.getMessage());
    }

    @Test
    void emptyFileAndHeaderOnlyAreRefused() throws IOException {
        assertEquals(dir.resolve("data.csv") + ": file is empty, expected a header row and data rows",
                fails(Csv.reader(), "").getMessage());
        assertEquals(dir.resolve("data.csv") + ": file is empty, expected a header row and data rows",
                fails(Csv.reader(), "\n  \n").getMessage());
        assertEquals(dir.resolve("data.csv") + ": no data rows after the header",
                fails(Csv.reader(), "a,b\n").getMessage());
    }

    @Test
    void badLabelsNameLineAndColumn() throws IOException {
        IOException e = fails(Csv.reader().labelColumn("y").classification(3), "x,y\n1,0\n2,3\n");
        assertEquals(dir.resolve("data.csv") + " line 3, column 2 \"y\": label \"3\", expected a whole number in 0..2",
                e.getMessage());
        IOException e2 = fails(Csv.reader().classification(0), "x,y\n1,0.5\n");
        assertEquals(dir.resolve("data.csv") + " line 2, column 2 \"y\": label \"0.5\", expected a whole number in"
                + " 0..N", e2.getMessage());
    }

    @Test
    void missingLabelColumnListsTheHeader() throws IOException {
        IOException e = fails(Csv.reader().labelColumn("target"), "a,b\n1,2\n");
        assertEquals(dir.resolve("data.csv") + ": no column named \"target\" for the label; the header has [a, b]",
                e.getMessage());
        IOException e2 = fails(Csv.reader().labelColumn(5), "a,b\n1,2\n");
        assertEquals(dir.resolve("data.csv") + ": label column index 5 is out of range, the header has 2 columns",
                e2.getMessage());
    }

    @Test
    void singleColumnHeaderIsRefused() throws IOException {
        IOException e = fails(Csv.reader(), "y\n1\n");
        assertEquals(dir.resolve("data.csv") + ": header has 1 column, expected a label column and at least one"
                + " feature column", e.getMessage());
    }
}
