import { topUpOperation } from './topUp';

export const addMinutes = topUpOperation('minutes', 'addMinutes');
