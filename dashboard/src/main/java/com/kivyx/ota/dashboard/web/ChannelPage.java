package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.dashboard.catalog.ChannelState;
import com.kivyx.ota.dashboard.kube.ChannelResource;
import com.kivyx.ota.dashboard.writes.WriteResult;
import com.kivyx.ota.publish.VerificationReport;
import java.util.List;
import java.util.Optional;

/**
 * A channel's decoded signed index, the Verify result once asked for, its Channel resources'
 * conditions (Kubernetes), and in static mode with a signing key the write forms and the outcome
 * of the last write.
 */
public record ChannelPage(ChannelState state, Optional<VerificationReport> report, List<ChannelResource> resources,
    Optional<WriteForms> writes, Optional<WriteResult> written) {

  /** What the write forms carry: the CSRF token, and the key new indexes will be signed with. */
  public record WriteForms(String csrfToken, String kid) {}
}
