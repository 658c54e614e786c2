import { runService } from '@glimpse/platform';
import { composeGateway } from './gateway';

// `npm start`: every service and worker in one process on one port, embedded by default.
const gateway = await runService('gateway', composeGateway(), { migrate: true });
console.log(`\n  Glimpse is running at ${gateway.infra.config.PUBLIC_URL ?? gateway.url}\n  data: ${gateway.infra.config.dataDir}\n`);
