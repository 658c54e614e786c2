{{/*
Names
*/}}
{{- define "glimpse.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every object name: the release name, plus "-glimpse" unless it already says so. */}}
{{- define "glimpse.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "glimpse.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The programs of the shape. key: values key; name: component name (object names, labels,
image names); kind: service (Node HTTP service), web (nginx), worker; queue: values key of
the queue a worker consumes; prefix: route of a service.
*/}}
{{- define "glimpse.components" -}}
auth: {name: auth, kind: service, prefix: /api/auth}
upload: {name: upload, kind: service, prefix: /api/upload}
feed: {name: feed, kind: service, prefix: /api/feed}
search: {name: search, kind: service, prefix: /api/search}
static: {name: static, kind: service, prefix: /static/image}
web: {name: web, kind: web, prefix: /}
imageProcessor: {name: image-processor, kind: worker, queue: processImages}
imageTagger: {name: image-tagger, kind: worker, queue: tagImages}
indexer: {name: indexer, kind: worker, queue: indexImages}
notifier: {name: notifier, kind: worker, queue: notifications}
{{- end }}

{{/*
Labels (the recommended app.kubernetes.io set)
*/}}
{{- define "glimpse.selectorLabels" -}}
app.kubernetes.io/name: {{ include "glimpse.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "glimpse.labels" -}}
helm.sh/chart: {{ include "glimpse.chart" . }}
{{ include "glimpse.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: glimpse
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels of one component: call with (dict "root" $ "component" "auth" "role" "app") */}}
{{- define "glimpse.componentLabels" -}}
{{ include "glimpse.labels" .root }}
app.kubernetes.io/component: {{ .component }}
glimpse.dev/role: {{ .role | default "app" }}
{{- end }}

{{- define "glimpse.componentSelectorLabels" -}}
{{ include "glimpse.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "glimpse.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "glimpse.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image of a Glimpse component: (dict "root" $ "component" "auth" "image" .Values.auth.image)
*/}}
{{- define "glimpse.image" -}}
{{- $g := .root.Values.image }}
{{- $repo := .image.repository }}
{{- if not $repo }}
{{- $repo = printf "%s%s" $g.repositoryPrefix .component }}
{{- if $g.registry }}{{ $repo = printf "%s/%s" $g.registry $repo }}{{ end }}
{{- end }}
{{- if .image.digest }}
{{- printf "%s@%s" $repo .image.digest }}
{{- else }}
{{- printf "%s:%s" $repo (.image.tag | default $g.tag | default .root.Chart.AppVersion | toString) }}
{{- end }}
{{- end }}

{{/* Image of a dependency: (dict "image" .Values.database.cockroachdb.image) */}}
{{- define "glimpse.depImage" -}}
{{- printf "%s:%s" .image.repository (.image.tag | toString) }}
{{- end }}

{{- define "glimpse.imagePullSecrets" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Secrets and in-cluster addresses
*/}}
{{- define "glimpse.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "glimpse.fullname" .)) }}
{{- end }}

{{- define "glimpse.host" -}}
{{- printf "%s-%s.%s.svc.%s" (include "glimpse.fullname" .root) .name .root.Release.Namespace .root.Values.clusterDomain }}
{{- end }}

{{- define "glimpse.publicUrl" -}}
{{- if .Values.config.publicUrl }}
{{- .Values.config.publicUrl }}
{{- else if .Values.ingress.host }}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host }}
{{- else }}
{{- "http://localhost" }}
{{- end }}
{{- end }}

{{- define "glimpse.s3Endpoint" -}}
{{- if eq .Values.objectStorage.mode "minio" }}
{{- printf "http://%s:9000" (include "glimpse.host" (dict "root" . "name" "minio")) }}
{{- else }}
{{- required "objectStorage.external.endpoint is required when objectStorage.mode is external" .Values.objectStorage.external.endpoint }}
{{- end }}
{{- end }}

{{/* TYPESENSE_URL; "" when the database is the search engine */}}
{{- define "glimpse.typesenseUrl" -}}
{{- if eq .Values.searchEngine.mode "typesense" }}
{{- printf "http://%s:8108" (include "glimpse.host" (dict "root" . "name" "typesense")) }}
{{- else if eq .Values.searchEngine.mode "database" }}
{{- else }}
{{- required "searchEngine.external.url is required when searchEngine.mode is external" .Values.searchEngine.external.url }}
{{- end }}
{{- end }}

{{- define "glimpse.gorseUrl" -}}
{{- if eq .Values.recommender.mode "gorse" }}
{{- printf "http://%s:8088" (include "glimpse.host" (dict "root" . "name" "gorse")) }}
{{- else }}
{{- required "recommender.external.url is required when recommender.mode is external" .Values.recommender.external.url }}
{{- end }}
{{- end }}

{{/* host:port the migration Job waits for */}}
{{- define "glimpse.databaseHostPort" -}}
{{- if eq .Values.database.mode "cockroachdb" }}
{{- printf "%s:26257" (include "glimpse.host" (dict "root" . "name" "cockroachdb")) }}
{{- else if eq .Values.database.mode "postgresql" }}
{{- printf "%s:5432" (include "glimpse.host" (dict "root" . "name" "postgresql")) }}
{{- else if .Values.database.external.host }}
{{- printf "%s:%d" .Values.database.external.host (int .Values.database.external.port) }}
{{- end }}
{{- end }}

{{/*
Environment of a Glimpse program: (dict "root" $ "component" "auth")
Non-secret settings come from the ConfigMap; each secret is referenced key by key, so that
only the auth service sees the signing key.
*/}}
{{- define "glimpse.env" -}}
{{- $secret := include "glimpse.secretName" .root }}
envFrom:
  - configMapRef:
      name: {{ include "glimpse.fullname" .root }}-config
env:
  - name: DATABASE_URL
    valueFrom: {secretKeyRef: {name: {{ $secret }}, key: DATABASE_URL}}
  - name: DATABASE_READ_URL
    valueFrom: {secretKeyRef: {name: {{ $secret }}, key: DATABASE_READ_URL, optional: true}}
  - name: S3_ACCESS_KEY
    valueFrom: {secretKeyRef: {name: {{ $secret }}, key: S3_ACCESS_KEY}}
  - name: S3_SECRET_KEY
    valueFrom: {secretKeyRef: {name: {{ $secret }}, key: S3_SECRET_KEY}}
  - name: AMQP_URL
    valueFrom: {secretKeyRef: {name: {{ $secret }}, key: AMQP_URL}}
  {{- if ne .root.Values.searchEngine.mode "database" }}
  - name: TYPESENSE_API_KEY
    valueFrom: {secretKeyRef: {name: {{ $secret }}, key: TYPESENSE_API_KEY, optional: true}}
  {{- end }}
  - name: GORSE_API_KEY
    valueFrom: {secretKeyRef: {name: {{ $secret }}, key: GORSE_API_KEY, optional: true}}
  - name: STATIC_URL_SECRET
    valueFrom: {secretKeyRef: {name: {{ $secret }}, key: STATIC_URL_SECRET}}
  {{- if eq .component "auth" }}
  - name: AUTH_PRIVATE_KEY
    valueFrom: {secretKeyRef: {name: {{ $secret }}, key: AUTH_PRIVATE_KEY}}
  {{- end }}
  {{- if and (eq .component "notifier") .root.Values.mail.mailpit.enabled }}
  # the bundled Mailpit (mail.mailpit.enabled) catches every email
  - name: SMTP_URL
    value: {{ printf "smtp://%s:1025" (include "glimpse.host" (dict "root" .root "name" "mailpit")) | quote }}
  {{- else if eq .component "notifier" }}
  - name: SMTP_URL
    valueFrom: {secretKeyRef: {name: {{ $secret }}, key: SMTP_URL, optional: true}}
  - name: SMTP_USER
    valueFrom: {secretKeyRef: {name: {{ $secret }}, key: SMTP_USER, optional: true}}
  - name: SMTP_PASSWORD
    valueFrom: {secretKeyRef: {name: {{ $secret }}, key: SMTP_PASSWORD, optional: true}}
  {{- end }}
  {{- range $name, $value := .root.Values.config.extraEnv }}
  - name: {{ $name }}
    value: {{ $value | toString | quote }}
  {{- end }}
  {{- with .extraEnv }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{/* Volumes every Glimpse program mounts: a writable /tmp, and the database CA if any. */}}
{{- define "glimpse.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .sizeLimit | default "256Mi" }}
{{- if .root.Values.database.caCert.existingSecret }}
- name: database-ca
  secret:
    secretName: {{ .root.Values.database.caCert.existingSecret }}
    items:
      - key: {{ .root.Values.database.caCert.key }}
        path: ca.crt
{{- end }}
{{- end }}

{{- define "glimpse.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.database.caCert.existingSecret }}
- name: database-ca
  mountPath: /etc/glimpse/database-ca
  readOnly: true
{{- end }}
{{- end }}

{{/* Default affinity: prefer spreading a component's pods over nodes. */}}
{{- define "glimpse.affinity" -}}
{{- if .values.affinity }}
{{- toYaml .values.affinity }}
{{- else }}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "glimpse.componentSelectorLabels" (dict "root" .root "component" .component) | nindent 12 }}
{{- end }}
{{- end }}

{{/*
Pod-level settings shared by Glimpse pods: (dict "root" $ "values" .Values.auth), optionally
with "serviceAccountName" (the migration hook runs before the release's ServiceAccount exists)
and "noToken" (never mount a token, whatever serviceAccount.automountToken says).
*/}}
{{- define "glimpse.podSpecCommon" -}}
serviceAccountName: {{ .serviceAccountName | default (include "glimpse.serviceAccountName" .root) }}
automountServiceAccountToken: {{ and (not .noToken) .root.Values.serviceAccount.automountToken }}
{{- include "glimpse.imagePullSecrets" .root }}
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Pod annotations: checksums roll the pods when configuration changes. */}}
{{- define "glimpse.podAnnotations" -}}
checksum/config: {{ include (print .root.Template.BasePath "/configmap.yaml") .root | sha256sum | trunc 16 }}
{{- if not .root.Values.secrets.existingSecret }}
checksum/secret-values: {{ toJson .root.Values.secrets | sha256sum | trunc 16 }}
{{- end }}
{{- if and .metrics .root.Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: "8080"
prometheus.io/path: /metrics
{{- end }}
{{- with .values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Security context of a bundled dependency's pod: (dict "root" $ "dep" "minio") */}}
{{- define "glimpse.depPodSecurityContext" -}}
{{- $ids := index .root.Values.dependencySecurity .dep }}
runAsNonRoot: true
runAsUser: {{ $ids.runAsUser }}
runAsGroup: {{ $ids.runAsGroup }}
fsGroup: {{ $ids.fsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "glimpse.depContainerSecurityContext" -}}
{{- $ids := index .root.Values.dependencySecurity .dep }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: {{ $ids.runAsUser }}
runAsGroup: {{ $ids.runAsGroup }}
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* volumeClaimTemplates of a bundled dependency: (dict "persistence" ... ) */}}
{{- define "glimpse.depVolumeClaim" -}}
- metadata:
    name: data
  spec:
    accessModes: ["ReadWriteOnce"]
    {{- with .persistence.storageClass }}
    storageClassName: {{ . | quote }}
    {{- end }}
    resources:
      requests:
        storage: {{ .persistence.size }}
{{- end }}

{{/* Fail early on values that do not fit together. */}}
{{- define "glimpse.validate" -}}
{{- $c := fromYaml (include "glimpse.components" .) }}
{{- range $key, $meta := $c }}
{{- $v := index $.Values $key }}
{{- if and (hasKey $v "keda") $v.keda.enabled $v.autoscaling.enabled }}
{{- fail (printf "%s: keda.enabled and autoscaling.enabled exclude each other (both would scale the Deployment)" $key) }}
{{- end }}
{{- end }}
{{- if and .Values.ingress.tls.enabled (not .Values.ingress.host) }}
{{- fail "ingress.tls.enabled needs ingress.host" }}
{{- end }}
{{- if and (eq .Values.ingress.mode "traefik") .Values.ingress.tls.enabled (not .Values.ingress.tls.secretName) (not .Values.ingress.traefik.certResolver) }}
{{- fail "ingress.tls.enabled with Traefik needs ingress.tls.secretName or ingress.traefik.certResolver" }}
{{- end }}
{{- if and .Values.traefik.enabled (ne .Values.ingress.mode "traefik") }}
{{- fail "traefik.enabled installs a Traefik for the IngressRoutes: set ingress.mode to traefik, or turn traefik.enabled off" }}
{{- end }}
{{- end }}

{{/* Headless Service that governs a dependency's StatefulSet: (dict "root" $ "component" "minio" "port" 9000) */}}
{{- define "glimpse.depHeadlessService" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "glimpse.fullname" .root }}-{{ .component }}-headless
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "glimpse.componentLabels" (dict "root" .root "component" .component "role" "dependency") | nindent 4 }}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector:
    {{- include "glimpse.componentSelectorLabels" (dict "root" .root "component" .component) | nindent 4 }}
  ports:
    - {name: main, port: {{ .port }}, protocol: TCP}
{{- end }}

{{/* Strict-Transport-Security of ingress.securityHeaders, as the header's value. */}}
{{- define "glimpse.stsValue" -}}
{{- $h := .Values.ingress.securityHeaders -}}
max-age={{ int64 $h.stsSeconds }}{{ if $h.stsIncludeSubdomains }}; includeSubDomains{{ end }}
{{- end }}

{{/* Key in the Secret of a `secrets.*` value: "authPrivateKey" -> "AUTH_PRIVATE_KEY". */}}
{{- define "glimpse.secretEnvName" -}}
{{- . | snakecase | upper -}}
{{- end }}
