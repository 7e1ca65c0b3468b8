/* testdir.h -- the temporary directory a unit test keeps its database in, removed with
 * everything in it (SQLite leaves -wal and -shm files beside the database). */
#ifndef TT_TESTDIR_H
#define TT_TESTDIR_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static inline void testdir_remove(const char *path)
{
    DIR *dir = opendir(path);
    if (dir) {
        struct dirent *de;
        char p[512];
        while ((de = readdir(dir))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
            snprintf(p, sizeof p, "%s/%s", path, de->d_name);
            unlink(p);
        }
        closedir(dir);
    }
    rmdir(path);
}

#endif
