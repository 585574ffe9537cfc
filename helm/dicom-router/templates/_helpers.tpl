{{/* dicom-router.name: the chart name, or nameOverride. */}}
{{- define "dicom-router.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* dicom-router.fullname: prefix of every object name (`<release>-<chart>`, or fullnameOverride). */}}
{{- define "dicom-router.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* dicom-router.componentName: name of a service's objects; args (dict "root" $ "svc" $svc). */}}
{{- define "dicom-router.componentName" -}}
{{- printf "%s-%s" (include "dicom-router.fullname" .root) .svc.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* dicom-router.labels: the recommended labels of every object. */}}
{{- define "dicom-router.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "dicom-router.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: dicom-router
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* dicom-router.componentLabels: labels of a service's objects; args (dict "root" $ "svc" $svc). */}}
{{- define "dicom-router.componentLabels" -}}
{{ include "dicom-router.labels" .root }}
app.kubernetes.io/component: {{ .svc.name }}
{{- end -}}

{{/* dicom-router.selectorLabels: the immutable selector of a service's pods; args (dict "root" $ "svc" $svc). */}}
{{- define "dicom-router.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dicom-router.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .svc.name }}
{{- end -}}

{{/* dicom-router.annotations: commonAnnotations as a metadata block, or nothing. */}}
{{- define "dicom-router.annotations" -}}
{{- with .Values.commonAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* dicom-router.image: `registry/repository:tag` of a service; args (dict "root" $ "svc" $svc). */}}
{{- define "dicom-router.image" -}}
{{- $tag := .svc.image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" .root.Values.image.registry) .svc.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .svc.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* dicom-router.serviceAccountName: the ServiceAccount the pods run as. */}}
{{- define "dicom-router.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "dicom-router.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* dicom-router.credentialsSecretName: the Secret the chart creates from values. */}}
{{- define "dicom-router.credentialsSecretName" -}}
{{- printf "%s-credentials" (include "dicom-router.fullname" .) -}}
{{- end -}}

{{/* dicom-router.productionConfigMapName: the ConfigMap holding production.yaml. */}}
{{- define "dicom-router.productionConfigMapName" -}}
{{- .Values.production.existingConfigMap | default (printf "%s-production" (include "dicom-router.fullname" .)) -}}
{{- end -}}

{{/* dicom-router.dicomServiceName: the LoadBalancer Service of the DICOM ports. */}}
{{- define "dicom-router.dicomServiceName" -}}
{{- printf "%s-dicom" (include "dicom-router.fullname" .) -}}
{{- end -}}

{{/* dicom-router.hasDatabase: "true" when PostgreSQL is bundled or external. */}}
{{- define "dicom-router.hasDatabase" -}}
{{- if or .Values.postgresql.enabled .Values.externalDatabase.url .Values.externalDatabase.existingSecret -}}true{{- end -}}
{{- end -}}

{{/* dicom-router.hasNats: "true" when NATS is bundled or external. */}}
{{- define "dicom-router.hasNats" -}}
{{- if or .Values.nats.enabled .Values.externalNats.url .Values.externalNats.existingSecret -}}true{{- end -}}
{{- end -}}

{{/* dicom-router.enabledServices: the enabled entries of .Values.services as a JSON list of {key, svc}, in key order. */}}
{{- define "dicom-router.enabledServices" -}}
{{- $list := list -}}
{{- range $key, $svc := .Values.services -}}
{{- if $svc.enabled -}}
{{- $list = append $list (dict "key" $key "svc" $svc) -}}
{{- end -}}
{{- end -}}
{{- toJson $list -}}
{{- end -}}

{{/* dicom-router.env: the environment of a service's containers; args (dict "root" $ "svc" $svc). */}}
{{- define "dicom-router.env" -}}
{{- $root := .root -}}
{{- $svc := .svc -}}
{{- $values := $root.Values -}}
{{- $secret := include "dicom-router.credentialsSecretName" $root -}}
- name: HTTP_PORT
  value: {{ $values.http.port | quote }}
- name: LOG_LEVEL
  value: {{ $values.logLevel | quote }}
- name: DATA_DIR
  value: /var/lib/dicom-router
- name: PRODUCTION_CONFIG
  value: /etc/dicom-router/production.yaml
- name: STORAGE_LOCATION
  value: {{ $values.storage.location | quote }}
{{- if hasPrefix "s3:" $values.storage.location }}
{{- if $values.minio.enabled }}
- name: S3_ENDPOINT
  value: {{ printf "http://%s-minio:9000" $root.Release.Name | quote }}
- name: S3_FORCE_PATH_STYLE
  value: "true"
- name: S3_REGION
  value: {{ $values.externalS3.region | default "us-east-1" | quote }}
- name: S3_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ printf "%s-minio" $root.Release.Name }}
      key: rootUser
- name: S3_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ printf "%s-minio" $root.Release.Name }}
      key: rootPassword
{{- else }}
{{- with $values.externalS3.endpoint }}
- name: S3_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- with $values.externalS3.region }}
- name: S3_REGION
  value: {{ . | quote }}
{{- end }}
- name: S3_FORCE_PATH_STYLE
  value: {{ $values.externalS3.forcePathStyle | quote }}
{{- if or $values.externalS3.existingSecret $values.externalS3.accessKeyId }}
- name: S3_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ $values.externalS3.existingSecret | default $secret }}
      key: {{ ternary $values.externalS3.existingSecretAccessKeyIdKey "s3-access-key-id" (ne $values.externalS3.existingSecret "") }}
- name: S3_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $values.externalS3.existingSecret | default $secret }}
      key: {{ ternary $values.externalS3.existingSecretSecretAccessKeyKey "s3-secret-access-key" (ne $values.externalS3.existingSecret "") }}
{{- end }}
{{- end }}
{{- end }}
{{- if $svc.usesDatabase }}
{{- if $values.postgresql.enabled }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ printf "%s-postgresql" $root.Release.Name }}
      key: password
- name: DATABASE_URL
  value: {{ printf "postgres://%s:$(DATABASE_PASSWORD)@%s-postgresql:5432/%s" $values.postgresql.auth.username $root.Release.Name $values.postgresql.auth.database | quote }}
{{- else if or $values.externalDatabase.url $values.externalDatabase.existingSecret }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $values.externalDatabase.existingSecret | default $secret }}
      key: {{ ternary $values.externalDatabase.existingSecretUrlKey "database-url" (ne $values.externalDatabase.existingSecret "") }}
{{- end }}
{{- end }}
{{- if $values.nats.enabled }}
- name: NATS_URL
  value: {{ printf "nats://%s-nats:4222" $root.Release.Name | quote }}
{{- else if or $values.externalNats.url $values.externalNats.existingSecret }}
- name: NATS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $values.externalNats.existingSecret | default $secret }}
      key: {{ ternary $values.externalNats.existingSecretUrlKey "nats-url" (ne $values.externalNats.existingSecret "") }}
{{- end }}
{{- if or $values.nats.enabled $values.externalNats.url $values.externalNats.existingSecret }}
- name: NATS_STREAM_REPLICAS
  value: {{ $values.jetstream.streamReplicas | quote }}
{{- end }}
- name: API_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ $values.apiToken.existingSecret | default $secret }}
      key: {{ ternary $values.apiToken.existingSecretKey "api-token" (ne $values.apiToken.existingSecret "") }}
{{- if $svc.dicom }}
- name: DICOM_PORT
  value: {{ $values.dicom.port | quote }}
- name: SHUTDOWN_GRACE_MS
  value: {{ mul $values.dicom.shutdownGraceSeconds 1000 | quote }}
{{- if $values.dicom.tls.enabled }}
- name: DICOM_TLS_PORT
  value: {{ $values.dicom.tls.port | quote }}
{{- end }}
{{- end }}
{{- if and $values.dicom.tls.enabled (include "dicom-router.usesTls" $svc) }}
{{- /* The listeners' certificate, also presented to destinations with `tls: true` that ask for one; the CA verifies them. */}}
- name: TLS_CERT_FILE
  value: /etc/dicom-router/tls/tls.crt
- name: TLS_KEY_FILE
  value: /etc/dicom-router/tls/tls.key
{{- if $values.dicom.tls.verifyClients }}
- name: TLS_CA_FILE
  value: /etc/dicom-router/tls/ca.crt
{{- end }}
{{- end }}
{{- if eq $svc.name $values.services.asyncFiler.name }}
{{- include "dicom-router.alertEnv" $root }}
{{- end }}
{{- with $values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- with $svc.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* dicom-router.usesTls: "true" when a service (the argument) gets the TLS files: it listens (dicom) or sends (dicomClient). */}}
{{- define "dicom-router.usesTls" -}}
{{- if or .dicom .dicomClient -}}true{{- end -}}
{{- end -}}

{{/* dicom-router.alertEnv: async-filer's alert settings (webhook, e-mail), each only when given. */}}
{{- define "dicom-router.alertEnv" -}}
{{- $a := .Values.alerts -}}
{{- $secret := $a.existingSecret | default (include "dicom-router.credentialsSecretName" .) -}}
{{- if or $a.webhookUrl $a.existingSecret }}
- name: ALERT_WEBHOOK_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ ternary $a.existingSecretWebhookUrlKey "alert-webhook-url" (ne $a.existingSecret "") }}
      optional: {{ ne $a.existingSecret "" }}
{{- end }}
{{- if or $a.smtpUrl $a.existingSecret }}
- name: SMTP_URL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ ternary $a.existingSecretSmtpUrlKey "smtp-url" (ne $a.existingSecret "") }}
      optional: {{ ne $a.existingSecret "" }}
{{- with $a.emailFrom }}
- name: ALERT_EMAIL_FROM
  value: {{ . | quote }}
{{- end }}
{{- with $a.emailTo }}
- name: ALERT_EMAIL_TO
  value: {{ join "," . | quote }}
{{- end }}
{{- end }}
{{- end -}}
