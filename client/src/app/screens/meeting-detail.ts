/** Placeholder: this screen is being built. */
import type { ScreenFactory } from '../context.js';
import { heading } from '../ui.js';

export const meetingDetailScreen: ScreenFactory = (_ctx, root) => {
  root.append(heading('meeting-detail'));
};
