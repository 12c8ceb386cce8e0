/**
 * How the waiting reads find their calls in the paged call list (whose order and page size Awaz
 * does not document), and how they share the key; pure, with simulated lists and headers.
 */
import type { IDataObject } from 'n8n-workflow';

import { ListView } from '../../nodes/Awaz/actions/call/listView';
import { KeyShare } from '../../nodes/shared/transport';

/** A list of `history` older calls and then `ours`, as a server in `order` pages it. */
function server(
	order: 'oldest-first' | 'newest-first' | 'ignore-page',
	history: number,
	ours: string[],
	pageSize = 5,
) {
	const all = [...Array.from({ length: history }, (_, i) => `old-${i}`), ...ours];
	const listed = order === 'newest-first' ? [...all].reverse() : all;
	return (page: number): IDataObject[] => {
		const from = (order === 'ignore-page' ? 0 : page) * pageSize;
		return listed.slice(from, from + pageSize).map((id) => ({ id, status: 'scheduled' }));
	};
}

/** Reads pages as the waiter would, one after another, until the view has no page to offer. */
function search(view: ListView, read: (page: number) => IDataObject[], ours: string[]) {
	const pages: number[] = [];
	const waited = new Set(ours);
	for (let page = view.nextPage(ours, new Set()); page !== undefined && pages.length < 1000; ) {
		pages.push(page);
		view.record(page, read(page), waited);
		const unplaced = ours.filter((id) => view.pageOfCall(id) === undefined);
		page = view.nextPage(unplaced.length ? unplaced : [], new Set());
	}
	return pages;
}

const ids = (count: number) => Array.from({ length: count }, (_, i) => `ours-${i}`);

describe('finding the calls waited for in the call list', () => {
	it('newest first: page 0 holds the newest, the pages after it the rest', () => {
		const ours = ids(12);
		const view = new ListView(ours.length);

		const pages = search(view, server('newest-first', 40, ours), ours);

		// Page 2 shows the oldest two of ours: every call is placed, no page more is read.
		expect(pages).toEqual([0, 1, 2]);
		expect(ours.map((id) => view.pageOfCall(id))).toEqual([2, 2, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
	});

	it('appended at the end: the end is found by doubling, then halving the gap, then its neighbours', () => {
		const ours = ids(30);
		const view = new ListView(ours.length);

		const pages = search(view, server('oldest-first', 52, ours), ours);

		// 82 calls in pages 0…16, ours from call 52 (page 10) on: 0, 1, 2, 4, 8, 16 (ours), then
		// beside it (17 is empty), and on down beside each page that showed ours, to 10.
		expect(pages).toEqual([0, 1, 2, 4, 8, 16, 17, 15, 14, 13, 12, 11, 10]);
		expect(ours.every((id) => view.pageOfCall(id) !== undefined)).toBe(true);
		expect(pages.length).toBeLessThanOrEqual(ours.length / 2);
	});

	it('a page that repeats page 0 (a server ignoring `page`) ends the search: the calls are read by id', () => {
		const ours = ids(12);
		const view = new ListView(ours.length);

		const pages = search(view, server('ignore-page', 40, ours), ours);

		expect(pages).toEqual([0, 1]);
		expect(view.nextPage(ours, new Set())).toBeUndefined();
	});

	it('a search never costs more than half the calls, and fewer than ten calls are not searched for', () => {
		expect(new ListView(9).nextPage(ids(9), new Set())).toBeUndefined();
		const ours = ids(10);
		const view = new ListView(ours.length);
		const pages = search(view, server('oldest-first', 10_000, ours), ours);
		expect(pages.length).toBe(5);
		expect(view.nextPage(ours, new Set())).toBeUndefined();
	});

	it.each(['oldest-first', 'newest-first'] as const)(
		'a big batch is found on every page that shows it (%s): 1,000 calls over 50 pages, none left to reads by id',
		(order) => {
			const ours = ids(1000);
			const view = new ListView(ours.length);

			const pages = search(view, server(order, 57, ours, 20), ours);

			// 1,057 calls in pages 0…52: the 51 pages that show ours, the way there (oldest first:
			// doubling to the end, then halving) and an empty page or one of older calls beside them.
			expect(ours.filter((id) => view.pageOfCall(id) === undefined)).toEqual([]);
			expect(new Set(pages).size).toBe(pages.length);
			expect(pages.length).toBeLessThanOrEqual(60);
		},
	);

	it('a page is read for two or more due calls it showed; a single one is read by id', () => {
		const ours = ids(12);
		const view = new ListView(ours.length);
		search(view, server('newest-first', 0, ours), ours);

		expect(view.nextPage(['ours-11', 'ours-10'], new Set())).toBe(0);
		expect(view.nextPage(['ours-11'], new Set())).toBeUndefined();
		// A page already being read is not read twice at once.
		expect(view.nextPage(['ours-11', 'ours-10'], new Set([0]))).toBeUndefined();
	});

	it('a call no longer on the page it was seen on is forgotten there (the list moved or shuffles)', () => {
		const ours = ids(12);
		const view = new ListView(ours.length);
		search(view, server('newest-first', 0, ours), ours);

		view.record(0, [{ id: 'ours-11' }], new Set(ours));

		expect(view.pageOfCall('ours-10')).toBeUndefined();
		expect(view.pageOfCall('ours-11')).toBe(0);
	});

	it('a refused page read ends list reading at once; trouble that may pass only after three in a row', () => {
		const refused = new ListView(12);
		refused.failed(false);
		expect(refused.nextPage(ids(12), new Set())).toBeUndefined();

		const passing = new ListView(12);
		passing.failed(true);
		passing.failed(true);
		expect(passing.nextPage(ids(12), new Set())).toBe(0);
		passing.failed(true);
		expect(passing.nextPage(ids(12), new Set())).toBeUndefined();
	});
});

describe("the waiting reads' share of the key", () => {
	const T = 1_000_000;

	it('a third until two answers in one window show that nothing else used the key, then 90 %', () => {
		let window = { limit: 100, remaining: 80, resetAtMs: T + 60_000 };
		const share = new KeyShare(() => window);

		expect(share.perMinute(T)).toBe(33);
		share.observe(T);
		window = { ...window, remaining: 79 };
		share.observe(T + 1000);

		expect(share.perMinute(T + 1000)).toBe(90);
	});

	it('Remaining falling faster than its own reads: a third again, for a minute after that was seen', () => {
		let window = { limit: 100, remaining: 80, resetAtMs: T + 60_000 };
		const share = new KeyShare(() => window);
		share.observe(T);
		window = { ...window, remaining: 79 };
		share.observe(T + 1000);
		window = { ...window, remaining: 70 };
		share.observe(T + 2000);

		expect(share.perMinute(T + 2000)).toBe(33);
		expect(share.perMinute(T + 61_000)).toBe(33);
		expect(share.perMinute(T + 62_001)).toBe(90);
	});

	it('reads still on their way count as its own; answers from different windows are not compared', () => {
		let window = { limit: 100, remaining: 80, resetAtMs: T + 60_000 };
		const share = new KeyShare(() => window);
		share.observe(T);
		window = { ...window, remaining: 77 };
		share.observe(T + 1000, 2);
		expect(share.perMinute(T + 1000)).toBe(90);

		const fresh = new KeyShare(() => window);
		fresh.observe(T);
		window = { limit: 100, remaining: 10, resetAtMs: T + 120_000 };
		fresh.observe(T + 1000);
		expect(fresh.perMinute(T + 1000)).toBe(33);
	});

	it('the limit the key states counts, not the documented 100', () => {
		const window = { limit: 30, remaining: 29, resetAtMs: T + 60_000 };
		expect(new KeyShare(() => window).perMinute(T)).toBe(10);
	});
});
