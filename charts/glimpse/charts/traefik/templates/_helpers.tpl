{{- define "traefik.fullname" -}}
{{- printf "%s-traefik" .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "traefik.selectorLabels" -}}
app.kubernetes.io/name: traefik
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "traefik.labels" -}}
{{ include "traefik.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: ingress-controller
app.kubernetes.io/part-of: glimpse
{{- end }}

{{/* Names of the cluster-scoped objects: the namespace is part of them (two releases named alike). */}}
{{- define "traefik.clusterScopedName" -}}
{{- printf "%s-%s" (include "traefik.fullname" .) .Release.Namespace | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* RBAC rules for what Traefik reads in the namespaces it watches (see rbac.yaml). */}}
{{- define "traefik.namespacedRules" -}}
- apiGroups: [""]
  resources: [services, configmaps]
  verbs: [get, list, watch]
{{- /* the provider reads Secrets (TLS certificates of IngressRoutes, TLSStores) from its informer's cache only: list and watch, never get */}}
- apiGroups: [""]
  resources: [secrets]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
- apiGroups: [traefik.io]
  resources:
    - middlewares
    - middlewaretcps
    - ingressroutes
    - traefikservices
    - ingressroutetcps
    - ingressrouteudps
    - tlsoptions
    - tlsstores
    - serverstransports
    - serverstransporttcps
  verbs: [get, list, watch]
{{- if .Values.providers.kubernetesIngress }}
- apiGroups: [networking.k8s.io]
  resources: [ingresses]
  verbs: [get, list, watch]
- apiGroups: [networking.k8s.io]
  resources: [ingresses/status]
  verbs: [update]
{{- end }}
{{- end }}

{{/* RBAC rules for what Traefik reads cluster-wide, whatever namespaces it watches. */}}
{{- define "traefik.clusterRules" -}}
- apiGroups: [""]
  resources: [nodes]
  verbs: [get, list, watch]
{{- if .Values.providers.kubernetesIngress }}
- apiGroups: [networking.k8s.io]
  resources: [ingressclasses]
  verbs: [get, list, watch]
{{- end }}
{{- end }}
