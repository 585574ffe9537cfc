{{/* dicom-router.validateValues: fails the render with one message per contradiction in the values. */}}
{{- define "dicom-router.validateValues" -}}
{{- $v := .Values -}}
{{- $problems := list -}}
{{- $gateway := $v.services.dicomGateway -}}
{{- if not $gateway.enabled -}}
{{- $problems = append $problems "services.dicomGateway.enabled: the gateway holds every DICOM socket; the chart has nothing to serve without it" -}}
{{- end -}}
{{- if and (not $v.production.existingConfigMap) (not $v.production.config.listeners) -}}
{{- $problems = append $problems "production.config.listeners: at least one listener is needed (or set production.existingConfigMap)" -}}
{{- end -}}
{{- if not (include "dicom-router.hasDatabase" .) -}}
{{- $async := false -}}
{{- if not $v.production.existingConfigMap -}}
{{- range $i, $l := $v.production.config.listeners -}}
{{- if eq (default "async" $l.mode) "async" -}}
{{- $async = true -}}
{{- $problems = append $problems (printf "production.config.listeners[%d] (%s) is mode async: an accepted instance is promised through the database outbox and queue, which in a pod must outlive it; set postgresql.enabled=true, externalDatabase.url or externalDatabase.existingSecret" $i $l.name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if not $async -}}
{{- $problems = append $problems "no database: the gateway's event outbox would be the embedded one in the pod's scratch space (lost with the pod, and several hundred MB of memory); set postgresql.enabled=true, externalDatabase.url or externalDatabase.existingSecret" -}}
{{- end -}}
{{- end -}}
{{- if and $v.postgresql.enabled (or $v.externalDatabase.url $v.externalDatabase.existingSecret) -}}
{{- $problems = append $problems "postgresql.enabled and externalDatabase are both set: choose the bundled PostgreSQL or an external one" -}}
{{- end -}}
{{- if and $v.nats.enabled (or $v.externalNats.url $v.externalNats.existingSecret) -}}
{{- $problems = append $problems "nats.enabled and externalNats are both set: choose the bundled NATS or an external one" -}}
{{- end -}}
{{- if and $v.minio.enabled (or $v.externalS3.endpoint $v.externalS3.accessKeyId $v.externalS3.existingSecret) -}}
{{- $problems = append $problems "minio.enabled and externalS3 are both set: choose the bundled MinIO or an external S3 endpoint" -}}
{{- end -}}
{{- if not (include "dicom-router.hasNats" .) -}}
{{- $problems = append $problems "no NATS: events (dicom.events.>) and the commands between services need JetStream in Kubernetes; set nats.enabled=true, externalNats.url or externalNats.existingSecret" -}}
{{- end -}}
{{- if and $v.minio.enabled (not (hasPrefix "s3:" $v.storage.location)) -}}
{{- $problems = append $problems (printf "minio.enabled but storage.location is %q: use an s3:// location, or disable MinIO" $v.storage.location) -}}
{{- end -}}
{{- if hasPrefix "file:" $v.storage.location -}}
{{- if not $v.storage.filesystem.existingClaim -}}
{{- $problems = append $problems "storage.location is file://: set storage.filesystem.existingClaim to a ReadWriteMany volume every replica mounts (the gateway writes the instances, storage-router and async-filer read them back, in other pods), or the instances would live in one pod's scratch space" -}}
{{- else if not (hasPrefix (printf "file://%s" $v.storage.filesystem.mountPath) $v.storage.location) -}}
{{- $problems = append $problems (printf "storage.location %q must lie below storage.filesystem.mountPath %q" $v.storage.location $v.storage.filesystem.mountPath) -}}
{{- end -}}
{{- else if not (hasPrefix "s3:" $v.storage.location) -}}
{{- $problems = append $problems (printf "storage.location %q: expected s3://bucket/prefix or file:///path" $v.storage.location) -}}
{{- end -}}
{{- if and (hasPrefix "file:" $v.storage.location) $v.storage.filesystem.existingClaim -}}
{{- /* On install and upgrade the claim is looked up: one that exists must be ReadWriteMany, since pods of several Deployments on several nodes mount it. */ -}}
{{- $claim := lookup "v1" "PersistentVolumeClaim" .Release.Namespace $v.storage.filesystem.existingClaim -}}
{{- if and $claim (not (has "ReadWriteMany" ($claim.spec.accessModes | default list))) -}}
{{- $problems = append $problems (printf "storage.filesystem.existingClaim %q has access modes %v: a file:// storage.location is written by the gateway and read by storage-router and async-filer in other pods, on other nodes; it needs ReadWriteMany" $v.storage.filesystem.existingClaim $claim.spec.accessModes) -}}
{{- end -}}
{{- end -}}
{{- $filer := $v.services.asyncFiler -}}
{{- if and $filer.enabled (not $filer.usesDatabase) -}}
{{- $problems = append $problems "services.asyncFiler.usesDatabase: async-filer keeps its queues in PostgreSQL and refuses to start without DATABASE_URL; set it to true" -}}
{{- end -}}
{{- $worklist := $v.services.worklistProcess -}}
{{- if and $worklist.enabled (not $worklist.usesDatabase) -}}
{{- $problems = append $problems "services.worklistProcess.usesDatabase: without DATABASE_URL the worklist items would be kept in each pod's scratch space, differently per replica, and lost with the pod; set it to true" -}}
{{- end -}}
{{- if not $v.production.existingConfigMap -}}
{{- $config := $v.production.config -}}
{{- range $i, $l := $config.listeners -}}
{{- if and $l.target (eq (default "async" $l.mode) "sync") (not $v.services.storageRouter.enabled) -}}
{{- $problems = append $problems (printf "production.config.listeners[%d] (%s) is mode sync with a target: storage-router routes its instances, and without it every C-STORE is answered A700H once routeTimeoutSeconds pass; set services.storageRouter.enabled=true" $i $l.name) -}}
{{- end -}}
{{- if and $l.target (eq (default "async" $l.mode) "async") (not $filer.enabled) -}}
{{- $problems = append $problems (printf "production.config.listeners[%d] (%s) is mode async with a target: its filers are async-filer's queues, and without it nothing is delivered; set services.asyncFiler.enabled=true" $i $l.name) -}}
{{- end -}}
{{- end -}}
{{- $routes := list -}}
{{- range $r := $config.routes -}}{{- $routes = append $routes $r.name -}}{{- end -}}
{{- range $i, $f := $config.fileIntakes -}}
{{- range $t := ($f.target | default list | kindIs "string" | ternary (list $f.target) ($f.target | default list)) -}}
{{- if has $t $routes -}}
{{- if not $v.services.storageRouter.enabled -}}
{{- $problems = append $problems (printf "production.config.fileIntakes[%d] (%s) targets route %s: storage-router routes it; set services.storageRouter.enabled=true" $i $f.name $t) -}}
{{- end -}}
{{- else if not $filer.enabled -}}
{{- $problems = append $problems (printf "production.config.fileIntakes[%d] (%s) targets filer %s: async-filer delivers it; set services.asyncFiler.enabled=true" $i $f.name $t) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $mwl := false -}}
{{- range $a := $config.associations -}}
{{- range $pc := $a.presentationContexts -}}
{{- if eq (toString $pc.abstractSyntax) "1.2.840.10008.5.1.4.31" -}}{{- $mwl = true -}}{{- end -}}
{{- end -}}
{{- end -}}
{{- if and $mwl (not $worklist.enabled) -}}
{{- $problems = append $problems "production.config.associations accept Modality Worklist Information Model - FIND (1.2.840.10008.5.1.4.31): worklist-process answers those queries; set services.worklistProcess.enabled=true" -}}
{{- end -}}
{{- end -}}
{{- if and $v.nats.enabled (gt (int $v.jetstream.streamReplicas) (ternary (int $v.nats.config.cluster.replicas) 1 $v.nats.config.cluster.enabled)) -}}
{{- $problems = append $problems (printf "jetstream.streamReplicas %v is more than the bundled NATS servers (%v): JetStream cannot place the streams; lower it or raise nats.config.cluster.replicas" $v.jetstream.streamReplicas (ternary $v.nats.config.cluster.replicas 1 $v.nats.config.cluster.enabled)) -}}
{{- end -}}
{{- $alerts := $v.alerts -}}
{{- if $alerts.smtpUrl -}}
{{- if not (regexMatch "^smtps?://\\S+$" $alerts.smtpUrl) -}}
{{- $problems = append $problems "alerts.smtpUrl: expected smtp://[user:password@]host:port or smtps://…" -}}
{{- end -}}
{{- if or (not $alerts.emailFrom) (not $alerts.emailTo) -}}
{{- $problems = append $problems "alerts.smtpUrl is set: alerts.emailFrom and alerts.emailTo (one or more addresses) are needed too" -}}
{{- end -}}
{{- else if and (or $alerts.emailFrom $alerts.emailTo) (not $alerts.existingSecret) -}}
{{- $problems = append $problems "alerts.emailFrom/emailTo: set alerts.smtpUrl (or alerts.existingSecret with the SMTP URL) to send through" -}}
{{- end -}}
{{- if and $alerts.webhookUrl (not (regexMatch "^https?://\\S+$" $alerts.webhookUrl)) -}}
{{- $problems = append $problems "alerts.webhookUrl: expected an http:// or https:// URL" -}}
{{- end -}}
{{- if and $v.dicom.tls.enabled (not $v.dicom.tls.existingSecret) -}}
{{- $problems = append $problems "dicom.tls.enabled: set dicom.tls.existingSecret to a kubernetes.io/tls Secret with tls.crt and tls.key" -}}
{{- end -}}
{{- if and $v.dicom.tls.verifyClients (not $v.dicom.tls.enabled) -}}
{{- $problems = append $problems "dicom.tls.verifyClients needs dicom.tls.enabled" -}}
{{- end -}}
{{- if and $v.dicom.tls.enabled (eq (int $v.dicom.tls.port) (int $v.dicom.port)) -}}
{{- $problems = append $problems (printf "dicom.tls.port and dicom.port are both %v" $v.dicom.port) -}}
{{- end -}}
{{- if and $v.apiToken.value (lt (len $v.apiToken.value) 16) -}}
{{- $problems = append $problems "apiToken.value: at least 16 characters" -}}
{{- end -}}
{{- range $key, $svc := $v.services -}}
{{- if and $svc.enabled $svc.autoscaling.enabled (gt (int $svc.autoscaling.minReplicas) (int $svc.autoscaling.maxReplicas)) -}}
{{- $problems = append $problems (printf "services.%s.autoscaling: minReplicas %v is above maxReplicas %v" $key $svc.autoscaling.minReplicas $svc.autoscaling.maxReplicas) -}}
{{- end -}}
{{- if and $svc.enabled $svc.dicom (ne $key "dicomGateway") -}}
{{- $problems = append $problems (printf "services.%s.dicom: only dicom-gateway opens DICOM sockets" $key) -}}
{{- end -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\n\ninvalid values for the dicom-router chart:\n  - %s\n" (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}
