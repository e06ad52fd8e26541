export { type ParseLimits, DEFAULT_LIMITS, parseInbound, UnreadableMail } from './parse.ts';
export { type SmtpIn, type SmtpInLog, type SmtpInOptions, SMTP_IN_DEFAULTS, startSmtpIn } from './server.ts';
