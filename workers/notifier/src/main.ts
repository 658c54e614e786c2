import { notifierWorker, runService } from '@glimpse/platform';

// The notifier: consumes `notifications` and sends each email once over SMTP_URL (or, without
// it, writes it as an .eml file under the data directory).
await runService('notifier', notifierWorker);
