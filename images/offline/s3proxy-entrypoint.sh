#!/bin/sh
# The S3-API server of docker-compose.offline.yml (in place of MinIO, whose image needs a
# registry): s3proxy on 0.0.0.0:9000 with a file-system store in /data (the service's volume),
# signature V4 with MINIO_ROOT_USER / MINIO_ROOT_PASSWORD as access key and secret. The buckets
# RAW_BUCKET and LAKE_BUCKET are folders of the store, created here (idempotent), so the stack
# needs no bucket-creating client. The properties file is written to /tmp, never to a log.
set -eu
: "${MINIO_ROOT_USER:?set MINIO_ROOT_USER}" "${MINIO_ROOT_PASSWORD:?set MINIO_ROOT_PASSWORD}"
mkdir -p "/data/${RAW_BUCKET:-fitbit-raw}" "/data/${LAKE_BUCKET:-fitbit-lake}"
umask 077
cat > /tmp/s3proxy.properties << PROPS
s3proxy.endpoint=http://0.0.0.0:9000
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=${MINIO_ROOT_USER}
s3proxy.credential=${MINIO_ROOT_PASSWORD}
jclouds.provider=filesystem
jclouds.filesystem.basedir=/data
PROPS
exec java -XX:MaxRAMPercentage=50 -cp '/deployments/lib/*' org.gaul.s3proxy.Main --properties /tmp/s3proxy.properties
