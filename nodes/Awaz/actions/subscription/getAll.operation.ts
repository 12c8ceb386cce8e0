import { unpagedListOperation } from '../common';

export const getAll = unpagedListOperation('subscription', '/v1/hooks/calls');
