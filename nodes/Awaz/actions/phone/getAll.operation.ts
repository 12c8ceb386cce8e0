import { unpagedListOperation } from '../common';

export const getAll = unpagedListOperation('phone', '/v1/phones');
