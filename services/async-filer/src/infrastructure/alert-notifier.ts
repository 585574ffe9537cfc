import type { CloudEventJson } from '@dicom-router/contracts';
import type { Logger } from '@dicom-router/service-runtime';
import { createTransport, type Transporter } from 'nodemailer';
import type { AlertEmailSettings } from '../filer-settings';

interface AlertData {
  message?: string;
  details?: Record<string, unknown>;
}

/**
 * Optional channels for alerts besides `dicom.events.alert.v1`: the event POSTed as CloudEvents
 * JSON to ALERT_WEBHOOK_URL, and an e-mail through SMTP_URL. Best effort: the durable record is the
 * event itself, committed with the state change.
 */
export class AlertNotifier {
  private readonly mailer: Transporter | null;

  constructor(
    private readonly webhookUrl: string | undefined,
    private readonly email: AlertEmailSettings | undefined,
    private readonly logger: Logger,
  ) {
    this.mailer = email ? createTransport(email.smtpUrl) : null;
  }

  async notify(alert: CloudEventJson): Promise<void> {
    await Promise.all([this.post(alert), this.mail(alert)]);
  }

  close(): void {
    this.mailer?.close();
  }

  private async post(alert: CloudEventJson): Promise<void> {
    if (!this.webhookUrl) return;
    try {
      const response = await fetch(this.webhookUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/cloudevents+json' },
        body: JSON.stringify(alert),
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) this.logger.warn({ status: response.status, alertId: alert.id }, 'alert webhook answered an error');
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err), alertId: alert.id }, 'alert webhook not reached');
    }
  }

  private async mail(alert: CloudEventJson): Promise<void> {
    if (!this.mailer || !this.email) return;
    const data = (alert.data ?? {}) as AlertData;
    try {
      await this.mailer.sendMail({
        from: this.email.from,
        to: this.email.to.join(', '),
        subject: `[DICOM Router] ${data.message?.split(':')[0] ?? alert.type}`,
        text: `${data.message ?? alert.type}\n\n${JSON.stringify(data.details ?? {}, null, 2)}\n\nEvent ${alert.id} at ${alert.time ?? ''}\n`,
      });
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err), alertId: alert.id }, 'alert e-mail not sent');
    }
  }
}
