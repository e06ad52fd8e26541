export { createMail, type Mail, type OutgoingMail, type MailCategory } from './mail.service.ts';
export { createMailWorker, backoffSeconds, type MailWorker, type OutboxMessage } from './mail.worker.ts';
export { fileTransport, smtpTransport, type MailTransport, type RenderedMail } from './transport.ts';
export { countByStatus } from './outbox.repository.ts';
