/* PLACEHOLDER: being written; answers 501 until then. */
#include "http/routes.h"
void fp_h_pool_create(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
void fp_h_pool_list(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
void fp_h_pool_get(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
void fp_h_pool_members(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
void fp_h_pool_member_add(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
void fp_h_pool_member_remove(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
void fp_h_join_request_create(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
void fp_h_join_request_list(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
void fp_h_join_request_accept(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
void fp_h_join_request_decline(struct fp_req *r) { fp_reply_error(r, 501, "not_implemented", NULL, "not implemented yet"); }
