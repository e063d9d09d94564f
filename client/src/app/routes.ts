/** Every screen of the web app, by route, with who may open it. */
import type { Route } from './router.js';
import { accountScreen } from './screens/account.js';
import { attendanceScreen } from './screens/attendance.js';
import { calendarScreen } from './screens/calendar.js';
import { deviceCheckScreen } from './screens/device-check.js';
import { hallsScreen } from './screens/directory-halls.js';
import { importScreen } from './screens/directory-import.js';
import { peopleScreen } from './screens/directory-people.js';
import { unitsScreen } from './screens/directory-units.js';
import { homeScreen } from './screens/home.js';
import { meetingDetailScreen } from './screens/meeting-detail.js';
import { meetingFormScreen } from './screens/meeting-form.js';

const office = ['secretariat'] as const;

export const routes: Route[] = [
  { pattern: '/home', screen: homeScreen },
  { pattern: '/calendar', screen: calendarScreen },
  { pattern: '/meetings/new', roles: [...office], screen: meetingFormScreen },
  { pattern: '/meetings/:id', screen: meetingDetailScreen },
  { pattern: '/meetings/:id/edit', roles: [...office], screen: meetingFormScreen },
  { pattern: '/meetings/:id/attendance', screen: attendanceScreen },
  { pattern: '/meetings/:id/attendance/print', screen: attendanceScreen },
  { pattern: '/directory/units', roles: [...office], screen: unitsScreen },
  { pattern: '/directory/halls', roles: [...office], screen: hallsScreen },
  { pattern: '/directory/people', roles: [...office], screen: peopleScreen },
  { pattern: '/directory/import', roles: [...office], screen: importScreen },
  { pattern: '/device-check', screen: deviceCheckScreen },
  { pattern: '/account', screen: accountScreen },
];
