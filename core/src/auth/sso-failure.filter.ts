import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemException, problemDocument } from '../common/problem';

/**
 * A failed SSO return (forged state, an unverified email, the provider's refusal): a browser's navigation goes
 * back to the web client's sign-in page, which says why (`/signin#sso_error=…`, in the fragment as the token
 * would be); any other caller gets the problem+json the API always answers.
 */
@Catch(ProblemException)
export class SsoFailureFilter implements ExceptionFilter {
  catch(exception: ProblemException, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const status = exception.getStatus();
    if (status < 500 && request.headers.accept?.includes('text/html')) {
      void reply.redirect(`/signin#sso_error=${encodeURIComponent(exception.message)}`, 303);
      return;
    }
    void reply
      .status(status)
      .headers(exception.headers)
      .type('application/problem+json')
      .send(problemDocument(status, exception.message, exception.errors));
  }
}
