package com.kivyx.ota.dashboard.kube;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks the API server, with the dashboard's own ServiceAccount, whether a person may do
 * something (a SubjectAccessReview), before the dashboard acts as them.
 */
final class AccessReview implements AutoCloseable {
  /** Kubernetes adds it to every impersonated user; the review must see the same groups the request will have. */
  static final String AUTHENTICATED = "system:authenticated";

  record Decision(boolean allowed, String reason) {}

  private final KubernetesClient own;

  AccessReview(KubernetesClient own) {
    this.own = own;
  }

  Decision check(ProxiedUser user, String verb, String group, String resource, String namespace, String name) {
    List<String> groups = new ArrayList<>(user.groups());
    if (!groups.contains(AUTHENTICATED)) {
      groups.add(AUTHENTICATED);
    }
    SubjectAccessReview review = own.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder()
        .withNewSpec().withUser(user.name()).withGroups(groups)
        .withNewResourceAttributes().withVerb(verb).withGroup(group).withResource(resource).withNamespace(namespace).withName(name).endResourceAttributes()
        .endSpec().build());
    var status = review.getStatus();
    boolean allowed = status != null && Boolean.TRUE.equals(status.getAllowed()) && !Boolean.TRUE.equals(status.getDenied());
    String reason = status == null ? "" : status.getReason() == null || status.getReason().isBlank() ? nonEmpty(status.getEvaluationError()) : status.getReason();
    return new Decision(allowed, reason);
  }

  @Override
  public void close() {
    own.close();
  }

  private static String nonEmpty(String s) {
    return s == null ? "" : s;
  }
}
