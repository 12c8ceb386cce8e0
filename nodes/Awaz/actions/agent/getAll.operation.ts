import { unpagedListOperation } from '../common';

export const getAll = unpagedListOperation('agent', '/v1/agents');
