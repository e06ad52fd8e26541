export { createMail, MAIL_SEND, type Mail, type OutgoingMail, type MailCategory, type MailSendPayload } from './mail.service.ts';
export { createMailSender, type MailSenderDeps, type OutboxMessage } from './mail.sender.ts';
export { fileTransport, smtpTransport, type MailTransport, type RenderedMail } from './transport.ts';
export { countByStatus } from './outbox.repository.ts';
export { createMailPersonalData } from './personal-data.ts';
