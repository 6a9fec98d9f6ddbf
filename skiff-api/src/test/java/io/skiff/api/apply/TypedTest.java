package io.skiff.api.apply;

import static io.skiff.api.apply.FieldSetTest.json;
import static io.skiff.api.apply.FieldSetTest.set;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Field sets, merges, comparisons and validation on the Deployment and Pod schemas, against what
 * structured-merge-diff makes of the same values.
 */
class TypedTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Typed TYPED = new Typed(Schema.builtin());
  private static final Schema.TypeRef DEPLOYMENT =
      Schema.builtin().forKind("apps/v1", "Deployment").orElseThrow();
  private static final Schema.TypeRef POD = Schema.builtin().forKind("v1", "Pod").orElseThrow();

  private static JsonNode tree(String singleQuoted) throws Exception {
    return JSON.readTree(json(singleQuoted));
  }

  private static String fieldsV1(FieldSet s) throws Exception {
    return JSON.writeValueAsString(s.toFieldsV1()).replace('"', '\'');
  }

  static final String NGINX =
      "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'nginx','labels':"
          + "{'app':'nginx'}},'spec':{'replicas':3,'selector':{'matchLabels':{'app':'nginx'}},"
          + "'template':{'metadata':{'labels':{'app':'nginx'}},'spec':{'containers':[{'name':"
          + "'nginx','image':'nginx:1.14.2','ports':[{'containerPort':80}]}]}}}}";

  @Test
  void anAppliedDeploymentOwnsWhatKubectlApplySends() throws Exception {
    FieldSet s = TYPED.toFieldSet(tree(NGINX), DEPLOYMENT);

    // Struct fields own through their leaves; map keys and list items are members themselves;
    // the selector is an atomic struct, and a port's protocol key comes from its default.
    assertThat(fieldsV1(s))
        .isEqualTo(
            "{'f:apiVersion':{},'f:kind':{},'f:metadata':{'f:labels':{'f:app':{}},'f:name':{}},"
                + "'f:spec':{'f:replicas':{},'f:selector':{},'f:template':{'f:metadata':"
                + "{'f:labels':{'f:app':{}}},'f:spec':{'f:containers':{'k:{\\'name\\':\\'nginx\\'}'"
                + ":{'f:image':{},'f:name':{},'f:ports':{'k:{\\'containerPort\\':80,\\'protocol\\'"
                + ":\\'TCP\\'}':{'f:containerPort':{},'.':{}}},'.':{}}}}}}}");
  }

  @Test
  void setsAreKeyedByValueAndAtomicListsOwnedWhole() throws Exception {
    FieldSet s =
        TYPED.toFieldSet(
            tree(
                "{'metadata':{'finalizers':['a','b']},'spec':{'containers':[{'name':'c',"
                    + "'args':['x','y']}],'nodeSelector':{'disk':'ssd'}}}"),
            POD);

    assertThat(fieldsV1(s))
        .isEqualTo(
            "{'f:metadata':{'f:finalizers':{'v:\\'a\\'':{},'v:\\'b\\'':{}}},'f:spec':"
                + "{'f:containers':{'k:{\\'name\\':\\'c\\'}':{'f:args':{},'f:name':{},'.':{}}},"
                + "'f:nodeSelector':{}}}");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "unknown field | Deployment | {'spec':{'foo':1}} | .spec.foo: field not declared in schema",
        // Every built-in list map key has a default but a ServiceAccount's secret's name.
        "item without its key | ServiceAccount | {'secrets':[{'namespace':'x'}]}"
            + " | .secrets: element 0: associative list with keys has an element that omits key"
            + " field \"name\" (and doesn't have default value)",
        "duplicate keys | Deployment"
            + " | {'spec':{'template':{'spec':{'containers':[{'name':'a'},{'name':'a'}]}}}}"
            + " | .spec.template.spec.containers: duplicate entries for key [name=\"a\"]",
        "string for a number | Deployment | {'spec':{'replicas':'x'}}"
            + " | .spec.replicas: expected numeric (int or float), got string",
        "number for a string | Deployment | {'metadata':{'name':3}}"
            + " | .metadata.name: expected string, got &value.valueUnstructured{Value:3}",
        "list for a map | Deployment | {'spec':{'strategy':[]}}"
            + " | .spec.strategy: expected map, got &value.valueUnstructured{Value:[]}",
      })
  void validationFindsWhatUpstreamFinds(String name, String kind, String config, String error)
      throws Exception {
    Schema.TypeRef type =
        Schema.builtin()
            .forKind(kind.strip().equals("Deployment") ? "apps/v1" : "v1", kind.strip())
            .orElseThrow();

    assertThat(TYPED.validate(tree(config.strip()), type)).containsExactly(error.strip());
  }

  @Test
  void aMissingKeyTakesItsDefault() throws Exception {
    FieldSet s =
        TYPED.toFieldSet(
            tree("{'spec':{'template':{'spec':{'containers':[{'image':'x'}]}}}}"), DEPLOYMENT);

    assertThat(fieldsV1(s))
        .isEqualTo(
            "{'f:spec':{'f:template':{'f:spec':{'f:containers':{'k:{\\'name\\':\\'\\'}':"
                + "{'f:image':{},'.':{}}}}}}}");
  }

  @Test
  void aValidConfigurationHasNoErrors() throws Exception {
    assertThat(TYPED.validate(tree(NGINX), DEPLOYMENT)).isEmpty();
  }

  @ParameterizedTest(name = "{0} + {1} = {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "a,b,c | b,d | a,b,c,d",
        "a,b | b,a | b,a",
        "a,b,c | c,a | b,c,a",
        "a | '' | a",
        "'' | x,y | x,y",
        "a,b,c,d | d,x,b | a,c,d,x,b",
      })
  void listMapsMergeItemByItemKeepingBothOrders(String live, String applied, String merged)
      throws Exception {
    JsonNode result = TYPED.merge(containers(live), containers(applied), DEPLOYMENT);

    assertThat(result.at("/spec/template/spec/containers").findValuesAsText("name"))
        .containsExactly(merged.isEmpty() ? new String[0] : merged.split(","));
  }

  private static JsonNode containers(String names) throws Exception {
    StringBuilder items = new StringBuilder();
    if (!names.isEmpty()) {
      for (String n : names.split(",")) {
        items.append(items.isEmpty() ? "" : ",").append("{'name':'").append(n).append("'}");
      }
    }
    return tree("{'spec':{'template':{'spec':{'containers':[" + items + "]}}}}");
  }

  @Test
  void mergedItemsMergeFieldsAndAtomicValuesAreReplaced() throws Exception {
    JsonNode live =
        tree(
            "{'spec':{'replicas':1,'template':{'spec':{'containers':[{'name':'a','image':'x',"
                + "'args':['1','2'],'env':[{'name':'A','value':'1'}]}]}}}}");
    JsonNode applied =
        tree(
            "{'spec':{'template':{'spec':{'containers':[{'name':'a','args':['3'],"
                + "'env':[{'name':'B','value':'2'}]}]}}}}");

    JsonNode merged = TYPED.merge(live, applied, DEPLOYMENT);

    assertThat(merged)
        .isEqualTo(
            tree(
                "{'spec':{'replicas':1,'template':{'spec':{'containers':[{'name':'a','image':'x',"
                    + "'args':['3'],'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]}]}}}}"));
  }

  @Test
  void comparisonSeparatesAddedModifiedAndRemoved() throws Exception {
    JsonNode before =
        tree(
            "{'metadata':{'labels':{'a':'1','b':'2'}},'spec':{'replicas':1,"
                + "'template':{'spec':{'containers':[{'name':'c','image':'x'}]}}}}");
    JsonNode after =
        tree(
            "{'metadata':{'labels':{'a':'1','c':'3'}},'spec':{'replicas':2,'paused':true,"
                + "'template':{'spec':{'containers':[{'name':'c','image':'x'},{'name':'d'}]}}}}");

    Typed.Comparison c = TYPED.compare(before, after, DEPLOYMENT);

    assertThat(c.added())
        .isEqualTo(
            set(
                "metadata.labels.c",
                "spec.paused",
                "spec.template.spec.containers.[name=d]",
                "spec.template.spec.containers.[name=d].name"));
    assertThat(c.modified()).isEqualTo(set("spec.replicas"));
    assertThat(c.removed()).isEqualTo(set("metadata.labels.b"));
  }

  @Test
  void removingFieldsKeepsWhatWasEmptiedAndDropsTheRest() throws Exception {
    JsonNode obj =
        tree(
            "{'metadata':{'labels':{'a':'1'}},'spec':{'replicas':1,'template':{'spec':"
                + "{'containers':[{'name':'c','image':'x'},{'name':'d'}]}}}}");

    JsonNode pruned =
        TYPED.removeItems(
            obj,
            set(
                "metadata.labels.a",
                "spec.template.spec.containers.[name=d]",
                "spec.template.spec.containers.[name=c].image"),
            DEPLOYMENT);

    assertThat(pruned)
        .isEqualTo(
            tree(
                "{'metadata':{'labels':{}},'spec':{'replicas':1,'template':{'spec':"
                    + "{'containers':[{'name':'c'}]}}}}"));
  }
}
