{{/*
The operator's rules on the watched resources: exactly what the reconcilers and JOSDK use.
Secrets are readable by name only (operator.secretNames), with get only.
*/}}
{{- define "kivyx-ota.operator.rules" -}}
- apiGroups: ["ota.kivyx.com"]
  resources: ["releases", "channels", "rollouts"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["ota.kivyx.com"]
  resources: ["releases/status", "channels/status", "rollouts/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- with .Values.operator.secretNames }}
- apiGroups: [""]
  resources: ["secrets"]
  resourceNames:
    {{- range . }}
    - {{ . | quote }}
    {{- end }}
  verbs: ["get"]
{{- end }}
{{- end }}

{{/* The manifest server only reads Channels (their status carries the signed indexes). */}}
{{- define "kivyx-ota.server.rules" -}}
- apiGroups: ["ota.kivyx.com"]
  resources: ["channels"]
  verbs: ["get", "list", "watch"]
{{- end }}

{{/* The dashboard's own identity only reads: Rollouts and Channels (informers) and their Events. Its buttons
     PATCH with the user's token, never with these rights. */}}
{{- define "kivyx-ota.dashboard.rules" -}}
- apiGroups: ["ota.kivyx.com"]
  resources: ["rollouts", "channels"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["get", "list"]
{{- end }}
