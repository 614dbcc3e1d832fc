import { DateTime } from '@academy/service-kit';
import type { Resolvers } from '../generated/graphql.js';
import { Certificate } from './Certificate.js';
import { Course } from './Course.js';
import { CourseMaterial } from './CourseMaterial.js';
import { Enrollment } from './Enrollment.js';
import { LearningPath } from './LearningPath.js';
import { Lesson } from './Lesson.js';
import { LessonProgress } from './LessonProgress.js';
import { Module } from './Module.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { Topic } from './Topic.js';
import { User } from './User.js';

export const resolvers: Resolvers = { DateTime, Query, Mutation, Course, CourseMaterial, Topic, Module, Lesson, Enrollment, LessonProgress, Certificate, User, LearningPath };
