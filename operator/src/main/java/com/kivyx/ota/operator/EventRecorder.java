package com.kivyx.ota.operator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kubernetes Events on every transition, so {@code kubectl describe} tells the story. */
final class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  static final String NORMAL = "Normal";
  static final String WARNING = "Warning";

  private final KubernetesClient client;

  EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  void record(HasMetadata object, String type, String reason, String message) {
    String now = Instant.now().toString();
    try {
      client.v1().events().inNamespace(object.getMetadata().getNamespace()).resource(
          new EventBuilder()
              .withNewMetadata()
              .withName(object.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
              .withNamespace(object.getMetadata().getNamespace())
              .endMetadata()
              .withInvolvedObject(new ObjectReferenceBuilder()
                  .withApiVersion(object.getApiVersion())
                  .withKind(object.getKind())
                  .withName(object.getMetadata().getName())
                  .withNamespace(object.getMetadata().getNamespace())
                  .withUid(object.getMetadata().getUid())
                  .build())
              .withType(type)
              .withReason(reason)
              .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
              .withFirstTimestamp(now)
              .withLastTimestamp(now)
              .withCount(1)
              .withNewSource().withComponent("kivyx-ota-operator").endSource()
              .build()).create();
    } catch (KubernetesClientException e) {
      // An event that cannot be written must not fail the reconcile it describes.
      LOG.warn("could not record event {} on {}/{}: {}", reason, object.getKind(), object.getMetadata().getName(), e.getMessage());
    }
  }
}
