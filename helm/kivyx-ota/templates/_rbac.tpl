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
