package io.skiff.api.table;

import static io.skiff.api.table.Cells.list;
import static io.skiff.api.table.Cells.or;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeSystemInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Upstream's {@code printNode}: STATUS from the Ready condition, ROLES from labels. */
final class NodePrinter {

  private static final String ROLE_PREFIX = "node-role.kubernetes.io/";
  private static final String ROLE_LABEL = "kubernetes.io/role";
  private static final String ADDRESSES_DOC =
      "List of addresses reachable to the node. Queried from cloud provider, if available. More"
          + " info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This"
          + " field is declared as mergeable, but the merge key is not sufficiently unique, which"
          + " can cause data corruption when it is merged. Callers should instead use a"
          + " full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should"
          + " assume that addresses can change during the lifetime of a Node. However, there are"
          + " some exceptions where this may not be possible, such as Pods that inherit a Node's"
          + " address in its own status or consumers of the downward API (status.hostIP).";

  static final TablePrinter<Node> PRINTER =
      TablePrinter.of(
          List.of(
              Column.forName(),
              Column.of("Status", "string", "The status of the node"),
              Column.of("Roles", "string", "The roles of the node"),
              Column.age(),
              Column.of("Version", "string", "Kubelet Version reported by the node."),
              Column.wide("Internal-IP", "string", ADDRESSES_DOC),
              Column.wide("External-IP", "string", ADDRESSES_DOC),
              Column.wide(
                  "OS-Image",
                  "string",
                  "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7"
                      + " (wheezy))."),
              Column.wide(
                  "Kernel-Version",
                  "string",
                  "Kernel Version reported by the node from 'uname -r' (e.g."
                      + " 3.16.0-0.bpo.4-amd64)."),
              Column.wide(
                  "Container-Runtime",
                  "string",
                  "ContainerRuntime Version reported by the node through runtime remote API (e.g."
                      + " containerd://1.4.2).")),
          NodePrinter::print);

  private NodePrinter() {}

  private static Row print(Node node, Instant now) {
    NodeSpec spec = or(node.getSpec(), NodeSpec::new);
    NodeStatus status = or(node.getStatus(), NodeStatus::new);
    NodeSystemInfo info = or(status.getNodeInfo(), NodeSystemInfo::new);
    List<String> states = new ArrayList<>();
    NodeCondition ready = null;
    for (NodeCondition c : list(status.getConditions())) {
      if ("Ready".equals(c.getType())) {
        ready = c; // the last one wins, as upstream indexes them by type
      }
    }
    if (ready == null) {
      states.add("Unknown");
    } else {
      states.add("True".equals(ready.getStatus()) ? "Ready" : "NotReady");
    }
    if (Cells.isTrue(spec.getUnschedulable())) {
      states.add("SchedulingDisabled");
    }
    return Row.of(
        Cells.name(node),
        String.join(",", states),
        roles(Cells.meta(node).getLabels()),
        Cells.age(node, now),
        Cells.str(info.getKubeletVersion()),
        address(status, "InternalIP"),
        address(status, "ExternalIP"),
        orUnknown(info.getOsImage()),
        orUnknown(info.getKernelVersion()),
        orUnknown(info.getContainerRuntimeVersion()));
  }

  private static String roles(Map<String, String> labels) {
    TreeSet<String> roles = new TreeSet<>();
    Cells.map(labels)
        .forEach(
            (k, v) -> {
              if (k.startsWith(ROLE_PREFIX) && k.length() > ROLE_PREFIX.length()) {
                roles.add(k.substring(ROLE_PREFIX.length()));
              } else if (k.equals(ROLE_LABEL) && v != null && !v.isEmpty()) {
                roles.add(v);
              }
            });
    return roles.isEmpty() ? Cells.NONE : String.join(",", roles);
  }

  private static String address(NodeStatus status, String type) {
    for (NodeAddress a : list(status.getAddresses())) {
      if (type.equals(a.getType())) {
        return Cells.str(a.getAddress());
      }
    }
    return Cells.NONE;
  }

  private static String orUnknown(String s) {
    return s == null || s.isEmpty() ? Cells.UNKNOWN : s;
  }
}
