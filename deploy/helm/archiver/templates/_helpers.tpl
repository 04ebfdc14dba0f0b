{{/* Labels on every object's metadata: the same as deploy/daemonset's kustomization, plus Helm's own. */}}
{{- define "archiver.labels" -}}
app.kubernetes.io/name: archiver
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: archiver
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Object names do not follow the release name: the ServiceAccount's subject
system:serviceaccount:<namespace>:archiver is what IRSA, Pod Identity and RRSA trust policies name.
One Archiver per cluster. */}}
{{- define "archiver.serviceAccountName" -}}
{{ .Values.serviceAccount.name }}
{{- end -}}
