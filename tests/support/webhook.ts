import http from 'node:http';

/** A CloudEvent as an alert webhook receives it. */
export interface ReceivedAlert {
  type: string;
  data: Record<string, unknown>;
}

/** An HTTP receiver on loopback for alert webhooks: keeps every JSON body POSTed to it, answers 204. */
export async function startWebhookReceiver(): Promise<{ url: string; alerts: ReceivedAlert[]; close: () => void }> {
  const alerts: ReceivedAlert[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      alerts.push(JSON.parse(body) as ReceivedAlert);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/alerts`, alerts, close: () => server.close() };
}
