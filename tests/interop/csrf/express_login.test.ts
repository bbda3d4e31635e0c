/**
 * Issue 12 for Express: `login()` in a route behind djangoSession rotates the CSRF token as
 * Django's `login` does — the token rendered before the login is refused afterwards by Django
 * 3.2/4.2/5.2/6.1 and by Express; a token for the new cookie passes both (`_login.ts`).
 */
import { describeLoginRotation } from "./_login.ts";
import { expressService } from "./_express_service.ts";

describeLoginRotation("Express", expressService);
