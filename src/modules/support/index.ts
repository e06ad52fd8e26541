export {
  addBusinessHours,
  CLOSING_HOUR,
  federalHolidays,
  type FederalHoliday,
  formatSupportTime,
  isBusinessDay,
  isBusinessTime,
  MAX_BUSINESS_HOURS,
  nextOpening,
  OPENING_HOUR,
  SUPPORT_ZONE,
} from './calendar.ts';
