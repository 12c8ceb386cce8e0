import { topUpOperation } from './shared';

export const addCredits = topUpOperation('credits', 'addCredits');
