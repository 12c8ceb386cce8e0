import { topUpOperation } from './shared';

export const addMinutes = topUpOperation('minutes', 'addMinutes');
