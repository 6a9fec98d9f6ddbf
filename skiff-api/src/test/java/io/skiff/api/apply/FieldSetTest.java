package io.skiff.api.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fieldsV1 format and the set algebra of structured-merge-diff's fieldpath package. */
class FieldSetTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Single quotes stand for double ones, and backticks for escaped double quotes. */
  static String json(String s) {
    return s.replace('\'', '"').replace("`", "\\\"");
  }

  private static FieldSet parse(String fieldsV1) throws Exception {
    return FieldSet.fromFieldsV1(JSON.readTree(json(fieldsV1)));
  }

  /** Paths as {@code a.b.c}; a segment {@code [name=x]} is a list map key, {@code [=x]} a value. */
  static FieldSet set(String... paths) {
    List<List<PathElement>> out = new ArrayList<>();
    for (String p : paths) {
      out.add(path(p));
    }
    return FieldSet.of(out);
  }

  static List<PathElement> path(String p) {
    List<PathElement> path = new ArrayList<>();
    for (String segment : p.split("\\.")) {
      if (segment.startsWith("[=")) {
        path.add(
            new PathElement.Value(TextNode.valueOf(segment.substring(2, segment.length() - 1))));
      } else if (segment.startsWith("[")) {
        String[] kv = segment.substring(1, segment.length() - 1).split("=");
        path.add(
            new PathElement.Key(List.of(new PathElement.KeyField(kv[0], TextNode.valueOf(kv[1])))));
      } else {
        path.add(new PathElement.Field(segment));
      }
    }
    return path;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // A member with children is marked by "." after them, as upstream writes it.
        "member with children | {'f:metadata':{'f:labels':{'.':{},'f:app':{}}}}"
            + " | {'f:metadata':{'f:labels':{'f:app':{},'.':{}}}}",
        // Keys in element order: fields, list map keys, values, indexes.
        "element order | {'i:1':{},'v:`x`':{},'k:{`a`:1}':{},'f:z':{}}"
            + " | {'f:z':{},'k:{`a`:1}':{},'v:`x`':{},'i:1':{}}",
        "list map keys in value order | {'k:{`name`:`b`}':{},'k:{`name`:`a`}':{'.':{},'f:image':{}}}"
            + " | {'k:{`name`:`a`}':{'f:image':{},'.':{}},'k:{`name`:`b`}':{}}",
        "key fields sorted by name | {'k:{`protocol`:`TCP`,`containerPort`:80}':{}}"
            + " | {'k:{`containerPort`:80,`protocol`:`TCP`}':{}}",
        "indexes in numeric order | {'i:10':{},'i:2':{}} | {'i:2':{},'i:10':{}}",
        "numbers before strings | {'v:`a`':{},'v:2':{},'v:1.5':{}} | {'v:1.5':{},'v:2':{},'v:`a`':{}}",
        // Unknown kinds of element are dropped, and what only had those becomes a member.
        "unknown kinds dropped | {'x:foo':{},'f:a':{'x:y':{}}} | {'f:a':{}}",
        "empty | {} | {}",
      })
  void fieldsV1IsReadAndWrittenAsUpstreamDoes(String name, String in, String out) throws Exception {
    FieldSet s = parse(in.strip());

    assertThat(JSON.writeValueAsString(s.toFieldsV1())).isEqualTo(json(out.strip()));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'fx':{}}",
        "{'f':{}}",
        "{'k:[1]':{}}",
        "{'k:{':{}}",
        "{'i:x':{}}",
        "{'f:a':1}",
        "{'f:a':{'v:':{}}}",
      })
  void whatIsNotFieldsV1IsRefused(String in) {
    assertThatThrownBy(() -> parse(in)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void membersAreThePathsInserted() throws Exception {
    FieldSet s = parse("{'f:spec':{'f:replicas':{},'f:template':{'.':{},'f:a':{}}}}");

    assertThat(s.has(path("spec.replicas"))).isTrue();
    assertThat(s.has(path("spec.template"))).isTrue();
    assertThat(s.has(path("spec.template.a"))).isTrue();
    assertThat(s.has(path("spec"))).isFalse();
    assertThat(s.has(List.of())).isFalse();
    assertThat(s.toString()).isEqualTo(".spec.replicas\n.spec.template\n.spec.template.a");
  }

  @ParameterizedTest(name = "{0} {1} {2} = {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "union | a.b,c | a.c | a.b,a.c,c",
        "intersection | a.b,c | a.b,a.c | a.b",
        "intersection | a.b | a | ''",
        "difference | a.b,a.c | a.b | a.c",
        // A parent minus its child is the parent; a child minus its parent stays too.
        "difference | a | a.b | a",
        "difference | a.b | a | a.b",
        "recursiveDifference | a.b,c | a | c",
        "recursiveDifference | a.b.c,a.d | a.b | a.d",
        "recursiveDifference | a,a.b | a | ''",
      })
  void setAlgebra(String op, String left, String right, String expected) {
    FieldSet l = set(split(left));
    FieldSet r = set(split(right));
    FieldSet result =
        switch (op) {
          case "union" -> l.union(r);
          case "intersection" -> l.intersection(r);
          case "difference" -> l.difference(r);
          default -> l.recursiveDifference(r);
        };

    assertThat(result).isEqualTo(set(split(expected)));
    assertThat(result.isEmpty()).isEqualTo(expected.isEmpty());
  }

  private static String[] split(String s) {
    return s.isEmpty() ? new String[0] : Arrays.stream(s.split(",")).toArray(String[]::new);
  }

  @Test
  void pathsPrintAsGoPrintsThem() {
    List<PathElement> p = new ArrayList<>(path("spec.template.spec.containers"));
    p.add(new PathElement.Key(List.of(new PathElement.KeyField("name", TextNode.valueOf("n\"x")))));
    p.add(new PathElement.Field("ports"));
    p.add(
        new PathElement.Key(
            List.of(
                new PathElement.KeyField("protocol", TextNode.valueOf("TCP")),
                new PathElement.KeyField("containerPort", IntNode.valueOf(80)))));

    assertThat(PathElement.toString(p))
        .isEqualTo(
            ".spec.template.spec.containers[name=\"n\\\"x\"].ports"
                + "[containerPort=80,protocol=\"TCP\"]");
    assertThat(new PathElement.Value(TextNode.valueOf("a")).toString()).isEqualTo("[=\"a\"]");
    assertThat(new PathElement.Index(3).toString()).isEqualTo("[3]");
  }

  @Test
  void keysSerializeAsGoJson() {
    JsonNode html = TextNode.valueOf("a<b>&c");
    assertThat(new PathElement.Key(List.of(new PathElement.KeyField("n", html))).serialize())
        .isEqualTo("k:{\"n\":\"a\\u003cb\\u003e\\u0026c\"}");
    assertThat(new PathElement.Value(IntNode.valueOf(7)).serialize()).isEqualTo("v:7");
    assertThat(new PathElement.Index(0).serialize()).isEqualTo("i:0");
  }

  @Test
  void numbersOfAnyFormAreTheSameElement() {
    PathElement i = new PathElement.Value(IntNode.valueOf(1));
    PathElement d =
        new PathElement.Value(com.fasterxml.jackson.databind.node.DoubleNode.valueOf(1.0));

    assertThat(i).isEqualTo(d);
    assertThat(i.compareTo(d)).isZero();
    assertThat(i.hashCode()).isEqualTo(d.hashCode());
  }
}
