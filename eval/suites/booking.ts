import type { FixtureState } from '../../fixtures/fixture-state.ts';
import { arrives, searchFlights, type Flight } from '../../fixtures/sites/travel/flights.ts';
import { answerContains, expectAll, fail, normalize, type CheckResult, type EvalTask } from '../eval-task.ts';

const cheapest = (flights: Flight[]): Flight => [...flights].sort((a, b) => a.priceDollars - b.priceDollars)[0]!;
const flights = (from: string, to: string, date: string): Flight[] => searchFlights(from, to, date);

/** The one booking the task should have made: flight, passengers, contact and cabin. */
function checkBooking(state: FixtureState, want: { flight: Flight; passengers: string[]; email: string; cabin: string }): CheckResult {
  if (state.travel.bookings.length !== 1) return fail(`expected exactly one booking, found ${state.travel.bookings.length}`);
  const b = state.travel.bookings[0]!;
  const names = b.passengers.map((p) => normalize(`${p.firstName} ${p.lastName}`));
  return expectAll([
    [`flight ${want.flight.number} on ${want.flight.date} (got ${b.flightNumber} on ${b.date})`, b.flightNumber === want.flight.number && b.date === want.flight.date && b.from === want.flight.from && b.to === want.flight.to],
    [`passengers ${want.passengers.join(', ')} (got ${names.join(', ')})`, JSON.stringify([...names].sort()) === JSON.stringify(want.passengers.map(normalize).sort())],
    [`email ${want.email} (got ${b.email})`, normalize(b.email) === want.email],
    [`cabin ${want.cabin} (got ${b.cabin})`, b.cabin === want.cabin],
  ]);
}

const noBooking = (state: FixtureState): CheckResult | undefined => (state.travel.bookings.length > 0 ? fail('a booking was made') : undefined);

export const BOOKING_TASKS: EvalTask[] = [
  {
    id: 'book-cheapest-answer',
    suite: 'booking',
    task: 'What is the cheapest flight from Oslo to Rome on 2026-12-10? Answer with the flight number.',
    startPath: '/travel/',
    check: (s, done) => noBooking(s) ?? answerContains(done, new RegExp(cheapest(flights('Oslo', 'Rome', '2026-12-10')).number.replace(' ', '\\s*'), 'i')),
  },
  {
    id: 'book-cheapest-paris-berlin',
    suite: 'booking',
    task: 'Book the cheapest flight from Paris to Berlin on 2026-11-05 for Maria Lopez, economy class. Her email is maria.lopez@example.com.',
    startPath: '/travel/',
    check: (s) => checkBooking(s, { flight: cheapest(flights('Paris', 'Berlin', '2026-11-05')), passengers: ['Maria Lopez'], email: 'maria.lopez@example.com', cabin: 'Economy' }),
  },
  {
    id: 'book-earliest-direct',
    suite: 'booking',
    task: 'Book the earliest direct flight from Madrid to Vienna on 2026-10-20 for John Smith (john.smith@example.com), economy.',
    startPath: '/travel/',
    check: (s) => {
      const earliest = flights('Madrid', 'Vienna', '2026-10-20').filter((f) => f.stops === 0).sort((a, b) => a.departs - b.departs)[0]!;
      return checkBooking(s, { flight: earliest, passengers: ['John Smith'], email: 'john.smith@example.com', cabin: 'Economy' });
    },
  },
  {
    id: 'book-two-passengers',
    suite: 'booking',
    task: 'Book the cheapest flight from Lisbon to Athens on 2026-09-15 for two passengers, Ana Silva and Rui Costa, in economy. Use ana.silva@example.com as the contact email.',
    startPath: '/travel/',
    check: (s) => checkBooking(s, { flight: cheapest(flights('Lisbon', 'Athens', '2026-09-15')), passengers: ['Ana Silva', 'Rui Costa'], email: 'ana.silva@example.com', cabin: 'Economy' }),
  },
  {
    id: 'book-business-afternoon',
    suite: 'booking',
    task: 'Book the cheapest direct flight from Berlin to Lisbon on 2026-12-01 that leaves after 12:00, in Business class, for Chen Wei (chen.wei@example.com).',
    startPath: '/travel/',
    check: (s) => {
      const after = flights('Berlin', 'Lisbon', '2026-12-01').filter((f) => f.stops === 0 && f.departs > 12 * 60);
      return checkBooking(s, { flight: cheapest(after), passengers: ['Chen Wei'], email: 'chen.wei@example.com', cabin: 'Business' });
    },
  },
  {
    id: 'book-latest-price',
    suite: 'booking',
    task: 'How much does the last flight of the day from Vienna to Oslo on 2026-07-03 cost in economy? Answer with the price; do not book it.',
    startPath: '/travel/',
    check: (s, done) => {
      const last = flights('Vienna', 'Oslo', '2026-07-03').sort((a, b) => b.departs - a.departs)[0]!;
      return noBooking(s) ?? answerContains(done, new RegExp(`\\$?\\b${last.priceDollars}\\b`));
    },
  },
  {
    id: 'book-arrive-by',
    suite: 'booking',
    task: 'I need to be in Athens by 14:00 on 2026-06-18, flying from Berlin. Book the cheapest flight that lands by then for Tom Hale, premium economy, email tom.hale@example.com.',
    startPath: '/travel/',
    check: (s) => {
      const inTime = flights('Berlin', 'Athens', '2026-06-18').filter((f) => arrives(f) <= 14 * 60);
      return checkBooking(s, { flight: cheapest(inTime), passengers: ['Tom Hale'], email: 'tom.hale@example.com', cabin: 'Premium economy' });
    },
  },
  {
    id: 'book-compare-dates',
    suite: 'booking',
    task: 'I can fly from Oslo to Madrid on 2026-05-04 or 2026-05-05. Which day has the cheaper flight, and what does that flight cost? Do not book anything.',
    startPath: '/travel/',
    check: (s, done) => {
      const a = cheapest(flights('Oslo', 'Madrid', '2026-05-04'));
      const b = cheapest(flights('Oslo', 'Madrid', '2026-05-05'));
      const best = a.priceDollars < b.priceDollars ? a : b;
      const day = best.date === '2026-05-04' ? /(2026-05-04|4 may|may 4)/ : /(2026-05-05|5 may|may 5)/;
      return noBooking(s) ?? answerContains(done, day, new RegExp(`\\b${best.priceDollars}\\b`));
    },
  },
];
