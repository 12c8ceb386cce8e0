import { topUpOperation } from './topUp';

export const addCredits = topUpOperation('credits', 'addCredits');
