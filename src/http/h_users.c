/* PLACEHOLDER: being written; answers 501 until then. */
#include "http/routes.h"
void fp_h_user_create(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
void fp_h_user_list(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
void fp_h_user_patch(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
