{{/* The release's name for the chart's objects, at most 63 characters. */}}
{{- define "signet.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "signet.server.name" -}}{{ include "signet.fullname" . | trunc 56 | trimSuffix "-" }}-server{{- end -}}
{{- define "signet.agent.name" -}}{{ include "signet.fullname" . | trunc 57 | trimSuffix "-" }}-agent{{- end -}}
{{- define "signet.gateway.name" -}}{{ include "signet.fullname" . | trunc 55 | trimSuffix "-" }}-gateway{{- end -}}

{{- define "signet.labels" -}}
app.kubernetes.io/part-of: signet
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* All labels of one component's objects and pods: include with (dict "root" $ "component" "server"). */}}
{{- define "signet.componentLabels" -}}
{{ include "signet.labels" .root }}
app.kubernetes.io/name: signet-{{ .component }}
{{- end -}}

{{/* Selector labels of one component: include with (dict "root" $ "component" "server"). */}}
{{- define "signet.selector" -}}
app.kubernetes.io/name: signet-{{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* An image reference: include with (dict "root" $ "image" .Values.image.server). */}}
{{- define "signet.image" -}}
{{ .image.repository }}:{{ .image.tag | default .root.Chart.AppVersion }}
{{- end -}}

{{/* A quoted HCL list of strings. */}}
{{- define "signet.hclList" -}}
[{{- range $i, $v := . }}{{ if $i }}, {{ end }}{{ $v | toString | quote }}{{- end }}]
{{- end -}}

{{/* Where the server's admin socket lives inside its pod (an emptyDir). */}}
{{- define "signet.server.socketDir" -}}/run/signet/server{{- end -}}
{{/* The agent's projected service account token (k8s_psat). */}}
{{- define "signet.agent.tokenDir" -}}/var/run/secrets/tokens{{- end -}}
{{/* Where the trust bundle ConfigMap is mounted in the agent. */}}
{{- define "signet.agent.bundleDir" -}}/run/signet/bundle{{- end -}}

{{/* The OpenAPI schema of a Kubernetes label selector, for the spire.spiffe.io CRDs. */}}
{{- define "signet.crd.labelSelector" -}}
type: object
properties:
  matchLabels:
    type: object
    additionalProperties:
      type: string
  matchExpressions:
    type: array
    items:
      type: object
      required: ["key", "operator"]
      properties:
        key:
          type: string
        operator:
          type: string
          enum: ["In", "NotIn", "Exists", "DoesNotExist"]
        values:
          type: array
          items:
            type: string
{{- end -}}
