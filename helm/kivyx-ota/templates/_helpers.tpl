{{/* Chart name. */}}
{{- define "kivyx-ota.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object name prefix, at most 52 characters so suffixes like "-operator-metrics" fit in 63. */}}
{{- define "kivyx-ota.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 45 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 45 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 45 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "kivyx-ota.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Common labels; call with (dict "ctx" $ "component" "operator"). */}}
{{- define "kivyx-ota.labels" -}}
helm.sh/chart: {{ include "kivyx-ota.chart" .ctx }}
{{ include "kivyx-ota.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: kivyx-ota
{{- end }}

{{- define "kivyx-ota.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kivyx-ota.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "kivyx-ota.operator.fullname" -}}
{{- printf "%s-operator" (include "kivyx-ota.fullname" .) }}
{{- end }}

{{- define "kivyx-ota.server.fullname" -}}
{{- printf "%s-server" (include "kivyx-ota.fullname" .) }}
{{- end }}

{{- define "kivyx-ota.operator.serviceAccountName" -}}
{{- if .Values.operator.serviceAccount.create }}
{{- default (include "kivyx-ota.operator.fullname" .) .Values.operator.serviceAccount.name }}
{{- else }}
{{- required "operator.serviceAccount.name is required when operator.serviceAccount.create is false" .Values.operator.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "kivyx-ota.server.serviceAccountName" -}}
{{- if .Values.server.serviceAccount.create }}
{{- default (include "kivyx-ota.server.fullname" .) .Values.server.serviceAccount.name }}
{{- else }}
{{- required "server.serviceAccount.name is required when server.serviceAccount.create is false" .Values.server.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "kivyx-ota.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Lease JOSDK's leader election uses (OperatorSettings.LeaderElection.LEASE_NAME). */}}
{{- define "kivyx-ota.leaseName" -}}
kivyx-ota-operator
{{- end }}

{{- define "kivyx-ota.dashboard.fullname" -}}
{{- printf "%s-dashboard" (include "kivyx-ota.fullname" .) }}
{{- end }}

{{- define "kivyx-ota.dashboard.serviceAccountName" -}}
{{- if .Values.dashboard.serviceAccount.create }}
{{- default (include "kivyx-ota.dashboard.fullname" .) .Values.dashboard.serviceAccount.name }}
{{- else }}
{{- required "dashboard.serviceAccount.name is required when dashboard.serviceAccount.create is false" .Values.dashboard.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The dashboard's store and keys: its own, or the server's. */}}
{{- define "kivyx-ota.dashboard.store" -}}
{{- default .Values.server.store .Values.dashboard.store }}
{{- end }}
{{- define "kivyx-ota.dashboard.publicKeys" -}}
{{- toJson (default .Values.server.publicKeys .Values.dashboard.publicKeys) }}
{{- end }}
