/* slip_pdf.c -- how long one appointment slip (Giấy tiếp nhận hồ sơ và hẹn trả kết quả, Mẫu 01)
 * takes to render as a PDF, for issue 4's closing figures.
 *
 *   make build/slip_bench && build/slip_bench [N]     (N slips, default 500)
 *
 * The build is `cc -O2 bench/slip_pdf.c` with the optimised objects of src/ (the Makefile's
 * build/slip_bench target). After the first slip of the process (fontconfig's start), it prints:
 *   - warm: N slips one after another, the font map reused from the pool (the normal case),
 *     mean, median and p95 per slip;
 *   - thread: the first slip of each of 20 fresh threads (the server runs one thread per
 *     connection), which still finds a warm map in the pool;
 *   - fresh map: 20 slips each with a new Pango font map -- what a map per document would cost;
 *   - parallel: 4 threads rendering N/4 slips each at once, slips per second in total. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/core/arena.h"
#include "../src/dossier/forms.h"
#include "../src/print/print.h"
#include "../src/print/print_impl.h"

static const form_paper papers[] = {
    {"Tờ khai đăng ký khai sinh", "Bản chính", 1},
    {"Giấy chứng sinh", "Bản chính", 1},
    {"Giấy chứng nhận kết hôn của cha, mẹ", "Bản sao", 1},
    {"Căn cước công dân của người đi đăng ký", "Bản chụp", 2},
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Renders one slip; returns its milliseconds (and its size in *bytes). */
static double one_slip(size_t *bytes)
{
    form_dossier f = {
        .parent_body = "UBND TỈNH THÁI NGUYÊN",
        .unit_name = "UBND PHƯỜNG PHAN ĐÌNH PHÙNG",
        .desk_name = "Bộ phận Một cửa",
        .place = "Phan Đình Phùng",
        .number = "0123/TNHS",
        .issued_at = 1709604900,
        .code = "H19.05443-240305-0007",
        .secret = "K7P2QX",
        .track_url = "https://motcua.thainguyen.gov.vn/tra-cuu/H19.05443-240305-0007?k=K7P2QX",
        .applicant_name = "Nguyễn Thị Hồng Nhung",
        .applicant_address = "Số 12, ngõ 45, tổ 7, phường Phan Đình Phùng, tỉnh Thái Nguyên",
        .applicant_phone = "0912 345 678",
        .applicant_email = "nhung.nguyen@example.vn",
        .procedure_name = "Đăng ký khai sinh",
        .procedure_days = 3,
        .papers = papers,
        .npapers = sizeof papers / sizeof papers[0],
        .sets = 1,
        .received_at = 1709604900,
        .due_at = 1709892000,
        .return_method = "Bộ phận Một cửa UBND phường Phan Đình Phùng",
        .book_volume = 1,
        .book_seq = 7,
        .officer_name = "Trần Văn Đức",
    };
    double t0 = now_ms();
    arena *a = arena_new();
    buf out;
    buf_init(&out, a);
    err e = {0};
    if (form_slip_pdf(&f, &out, &e) != 0) {
        fprintf(stderr, "slip_bench: %s\n", e.log);
        exit(1);
    }
    if (bytes) *bytes = out.len;
    arena_free(a);
    return now_ms() - t0;
}

static int cmp(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static void report(const char *what, double *ms, int n)
{
    double sum = 0;
    for (int i = 0; i < n; i++) sum += ms[i];
    qsort(ms, (size_t)n, sizeof *ms, cmp);
    printf("%-9s n=%-5d mean %.2f ms  median %.2f ms  p95 %.2f ms\n", what, n, sum / n, ms[n / 2],
           ms[(int)(n * 0.95) < n ? (int)(n * 0.95) : n - 1]);
}

static void *cold_thread(void *arg)
{
    *(double *)arg = one_slip(NULL);
    return NULL;
}

typedef struct {
    int n;
} par_arg;

static void *par_thread(void *arg)
{
    par_arg *p = arg;
    for (int i = 0; i < p->n; i++) one_slip(NULL);
    return NULL;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 500;
    if (n < 4) n = 4;
    size_t bytes = 0;
    double first = one_slip(&bytes);
    printf("first slip of the process (fontconfig start): %.1f ms, %zu bytes\n", first, bytes);

    double *ms = malloc((size_t)n * sizeof *ms);
    for (int i = 0; i < n; i++) ms[i] = one_slip(NULL);
    report("warm", ms, n);

    enum { COLD = 20 };
    double cold[COLD];
    for (int i = 0; i < COLD; i++) {
        pthread_t t;
        pthread_create(&t, NULL, cold_thread, &cold[i]);
        pthread_join(t, NULL);
    }
    report("thread", cold, COLD);

    /* hold the pooled map out, so the slip must make a new one; then drop the new one */
    for (int i = 0; i < COLD; i++) {
        PangoFontMap *held = pdoc_fontmap_take();
        cold[i] = one_slip(NULL);
        g_object_unref(pdoc_fontmap_take());
        pdoc_fontmap_give(held);
    }
    report("fresh map", cold, COLD);

    enum { T = 4 };
    pthread_t th[T];
    par_arg pa = {n / T};
    double t0 = now_ms();
    for (int i = 0; i < T; i++) pthread_create(&th[i], NULL, par_thread, &pa);
    for (int i = 0; i < T; i++) pthread_join(th[i], NULL);
    double wall = now_ms() - t0;
    printf("parallel  %d threads x %d slips: %.0f slips/s\n", T, pa.n, T * pa.n / (wall / 1e3));
    free(ms);
    print_shutdown();
    return 0;
}
