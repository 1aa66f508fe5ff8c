export { createGateway, type GatewayOptions, type RunningGateway } from './gateway.ts';
export { gatewaySettings, gatewayEnvironment, type GatewaySettings } from './config.ts';
