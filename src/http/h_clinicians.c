/* PLACEHOLDER: being written; answers 501 until then. */
#include "http/routes.h"
void fp_h_clinician_register(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
void fp_h_clinician_list(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
void fp_h_clinician_get(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
void fp_h_professions(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
