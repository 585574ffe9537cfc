// Container HEALTHCHECK: healthy while /health/ready answers 2xx on HTTP_PORT (Kubernetes uses its own
// probes instead; this serves `podman`/`docker run`). Plain node, so the image needs no curl.
const port = Number(process.env.HTTP_PORT || 8080);
// HTTP_BIND names one address when HTTP is not on all of them: ask there.
const bind = (process.env.HTTP_BIND || '').trim();
const host = bind === '' || bind === '::' || bind === '0.0.0.0' ? '127.0.0.1' : bind.includes(':') ? `[${bind}]` : bind;
fetch(`http://${host}:${port}/health/ready`, { signal: AbortSignal.timeout(2500) })
  .then((response) => process.exit(response.ok ? 0 : 1))
  .catch(() => process.exit(1));
