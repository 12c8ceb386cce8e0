import type { IDataObject } from 'n8n-workflow';

import type { AwazContext } from './connection';
import { listItems } from './items';
import { awazApiRequest } from './request';
import type { AwazRequest, RequestScope } from './types';

/**
 * The stop rules of a walk through `page=0,1,2…`, apart from the requests: stop at an empty page,
 * at a page shorter than the first, at a page that repeats the one before (a server that ignores
 * `page` would hand back the same page forever), and as soon as `limit` elements were taken.
 */
export class PageWalk {
	private left: number;
	private pageSize?: number;
	private previousIds?: string;

	constructor(limit?: number) {
		this.left = limit ?? Infinity;
	}

	/** Whether another page is worth fetching. */
	get wantsMore(): boolean {
		return this.left > 0;
	}

	/** The elements of a fetched page to hand over; after this, `wantsMore` says whether to go on. */
	take(items: IDataObject[]): IDataObject[] {
		const ids = items.map((item) => String(item.id ?? JSON.stringify(item))).join(',');
		if (items.length === 0 || ids === this.previousIds) {
			this.left = 0;
			return [];
		}
		this.previousIds = ids;
		const taken = items.slice(0, this.left);
		this.left -= taken.length;
		this.pageSize ??= items.length;
		if (items.length < this.pageSize) this.left = 0;
		return taken;
	}
}

/**
 * Walks the pages of a list, handing over each page as it arrives so that memory stays flat
 * however many pages there are, and fetching no page it does not need.
 */
export async function* awazPages(
	this: AwazContext,
	request: AwazRequest,
	limit: number | undefined,
	scope: RequestScope = {},
): AsyncGenerator<IDataObject[]> {
	const walk = new PageWalk(limit);
	for (let page = 0; walk.wantsMore; page++) {
		const pageRequest = { ...request, qs: { ...request.qs, page } };
		const body = await awazApiRequest.call(this, pageRequest, scope);
		const taken = walk.take(listItems(this, body, pageRequest, scope));
		if (taken.length > 0) yield taken;
	}
}
