export { getAgents } from '../../shared/agentOptions';
